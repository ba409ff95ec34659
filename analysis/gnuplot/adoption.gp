# adoption.gp - each segment's adoption by month (buyers holding a
# commitment, % of the segment): the mean over replications with its 95%
# band, the dispute's and regime switches' mean times marked. gnuplot only (no Python):
#
#   gnuplot -e "dir='out/frontier_dispute'" analysis/gnuplot/adoption.gp
#
# reads DIR/segments.csv, DIR/events.csv and DIR/manifest.csv and writes
# DIR/plots/adoption_gnuplot.png (or -e "out='FILE.png'").
if (!exists("dir")) { print "usage: gnuplot -e \"dir='out/frontier_dispute'\" adoption.gp"; exit status 2 }
f = dir.'/segments.csv'
keycol = 'segment'
val(x) = column('buyers') > 0 ? column('adopted') / column('buyers') : 0
if (!exists("out")) { out = dir.'/plots/adoption_gnuplot.png' }
here = ''
do for [i=1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { here = ARG0[1:i] } }
load here.'common.gp'
set title sprintf('%s: adoption by segment (%d replications)', scenario, R)
set ylabel "% of the segment's buyers"
plot for [c=1:nk] '+' using 1:(100 * lo(c, $1)):(100 * hi(c, $1)) with filledcurves \
         fc rgb col(word(keys, c)) fs transparent solid 0.2 noborder notitle, \
     for [c=1:nk] '+' using 1:(100 * mean(c, $1)) with lines lw 2 lc rgb col(word(keys, c)) \
         title word(keys, c)
print out
