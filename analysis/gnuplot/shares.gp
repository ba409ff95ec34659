# shares.gp - each cloud's share of AI spend by month: the mean over
# replications with its 95% band, the dispute's and regime switches' mean
# times marked. gnuplot only (no Python):
#
#   gnuplot -e "dir='out/frontier_dispute'" analysis/gnuplot/shares.gp
#
# reads DIR/market.csv, DIR/events.csv and DIR/manifest.csv and writes
# DIR/plots/cloud_shares_gnuplot.png (or -e "out='FILE.png'").
if (!exists("dir")) { print "usage: gnuplot -e \"dir='out/frontier_dispute'\" shares.gp"; exit status 2 }
f = dir.'/market.csv'
keycol = 'cloud'
val(x) = column('share_spend')
if (!exists("out")) { out = dir.'/plots/cloud_shares_gnuplot.png' }
here = ''
do for [i=1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { here = ARG0[1:i] } }
load here.'common.gp'
set title sprintf('%s: share of AI spend by cloud (%d replications)', scenario, R)
set ylabel '% of AI spend'
plot for [c=1:nk] '+' using 1:(100 * lo(c, $1)):(100 * hi(c, $1)) with filledcurves \
         fc rgb col(word(keys, c)) fs transparent solid 0.2 noborder notitle, \
     for [c=1:nk] '+' using 1:(100 * mean(c, $1)) with lines lw 2 lc rgb col(word(keys, c)) \
         title word(keys, c)
print out
