# common.gp - loaded by the figure scripts here (not run on its own).
#
# Before `load`, the caller sets: dir (the run directory), f (the CSV),
# keycol (the column naming a line: cloud, segment), val(x) (the value of a
# row: a share between 0 and 1) and out (the PNG). It then has:
#   keys       the ids of keycol in first-appearance order (" aws azure ... ")
#   H, R       the horizon in months and the number of replications
#   mean(c,m), lo(c,m), hi(c,m)   mean over replications of line c at month m
#              and its Student-t 95% interval (the one summary.csv uses)
#   col(name)  the fixed colour of an id (Okabe-Ito, as analysis/plot.py)
#   caption    "seed ... · commit ... · marketsim ..." from manifest.csv
# and the dispute's and regime switches' mean times drawn as labelled
# dashed lines (set arrow/label). Everything is read with gnuplot alone.
set datafile separator ','
set datafile columnheaders
if (!exists("dir")) { print "usage: gnuplot -e \"dir='out/frontier_dispute'\" SCRIPT.gp"; exit status 2 }
if (system('test -f "'.f.'" && echo y') ne "y") { print sprintf("%s: no such file (not a marketsim run directory?)", f); exit status 2 }

# ---- ids, horizon, replications ----
keys = ' '
stats f using (k = strcol(keycol), (strstrt(keys, ' '.k.' ') == 0 ? keys = keys.k.' ' : 0), column('month')) nooutput
H = int(STATS_max)
stats f using (column('replication')) nooutput
R = int(STATS_max) + 1
nk = words(keys)
idx(k) = sum [i=1:nk] (word(keys, i) eq k ? i : 0)

# ---- sums per (id, month): mean and variance in one pass ----
array S[nk * (H + 1)]
array Q[nk * (H + 1)]
array N[nk * (H + 1)]
do for [i=1:nk * (H + 1)] { S[i] = 0; Q[i] = 0; N[i] = 0 }
stats f using (i = (idx(strcol(keycol)) - 1) * (H + 1) + int(column('month')) + 1, \
               v = val(0), S[i] = S[i] + v, Q[i] = Q[i] + v * v, N[i] = N[i] + 1, 0) nooutput

# Student-t 0.975 quantile with df degrees of freedom: below 30, bisection
# on P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2) (gnuplot has ibeta, no
# inverse, and ibeta fails for large df); from 30 on, the Cornish-Fisher
# expansion around z = 1.959964 (error < 1e-5 there)
tlo = 0.; thi = 1000.
df = R - 1
if (df >= 1 && df < 30) { do for [it=1:80] { tm = (tlo + thi) / 2; if (ibeta(df / 2., 0.5, df / (df + tm * tm)) > 0.05) { tlo = tm } else { thi = tm } } }
z = 1.959963985
t975 = df >= 30 ? z + (z**3 + z) / (4. * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96. * df**2) \
                   + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384. * df**3) : (tlo + thi) / 2
cell(c, m) = (c - 1) * (H + 1) + int(m) + 1
mean(c, m) = N[cell(c, m)] > 0 ? S[cell(c, m)] / N[cell(c, m)] : NaN
var(c, m) = N[cell(c, m)] > 1 ? (Q[cell(c, m)] - S[cell(c, m)]**2 / N[cell(c, m)]) / (N[cell(c, m)] - 1) : NaN
half(c, m) = t975 * sqrt(var(c, m) > 0 ? var(c, m) : 0) / sqrt(N[cell(c, m)])
lo(c, m) = mean(c, m) - half(c, m)
hi(c, m) = mean(c, m) + half(c, m)

# ---- colours: the ids' fixed colours (analysis/msplot/common.py) ----
col(n) = n eq 'aws' ? '#E69F00' : n eq 'azure' ? '#0072B2' : n eq 'gcp' ? '#009E73' : \
         n eq 'other' ? '#999999' : n eq 'openai' ? '#000000' : n eq 'anthropic' ? '#D55E00' : \
         n eq 'google' ? '#009E73' : n eq 'open' ? '#CC79A7' : n eq 'microsoft' ? '#56B4E9' : \
         n eq 'finance' ? '#0072B2' : n eq 'health' ? '#009E73' : n eq 'public' ? '#CC79A7' : \
         n eq 'unregulated' ? '#E69F00' : n eq 'regulated' ? '#D55E00' : n eq 'all' ? '#000000' : \
         word('#332288 #88CCEE #44AA99 #117733 #999933 #DDCC77 #CC6677 #882255 #AA4499', idx(n) % 9 + 1)

# ---- provenance from manifest.csv (the keys every manifest shares) ----
seed = 'unknown'; git = 'unknown'; version = 'unknown'; scenario = 'run'
mf = dir.'/manifest.csv'
if (system('test -f "'.mf.'" && echo y') eq "y") {
    stats mf using (k = strcol(1), v = strcol(2), \
        (k eq 'seed' ? seed = v : k eq 'git' ? git = v : \
         k eq 'version' ? version = v : k eq 'scenario' ? scenario = v : ''), 0) nooutput
}
caption = sprintf("seed %s · commit %s · marketsim %s · band: 95%% CI of the mean over replications · gnuplot", seed, git, version)

# ---- events: the dispute's and regime switches' mean times ----
ef = dir.'/events.csv'
evkeys = ' '
if (system('test -f "'.ef.'" && echo y') eq "y") {
    iskey(e) = strstrt(e, 'dispute_') == 1 || e eq 'regime_change'
    evname(e, s) = e eq 'regime_change' ? 'regime:'.s : e[9:]
    stats ef using (e = strcol('event'), k = evname(e, strcol('subject')), \
        (iskey(e) && strstrt(evkeys, ' '.k.' ') == 0 ? evkeys = evkeys.k.' ' : 0), 0) nooutput
}
ne = words(evkeys)
if (ne > 0) {
    array ET[ne]
    array EN[ne]
    do for [i=1:ne] { ET[i] = 0; EN[i] = 0 }
    eidx(k) = sum [i=1:ne] (word(evkeys, i) eq k ? i : 0)
    stats ef using (e = strcol('event'), i = iskey(e) ? eidx(evname(e, strcol('subject'))) : 0, \
        (i > 0 ? (ET[i] = ET[i] + column('time'), EN[i] = EN[i] + 1) : 0), 0) nooutput
    last = -1e9
    do for [i=1:ne] {
        t = ET[i] / EN[i]
        c = strstrt(word(evkeys, i), 'regime:') == 1 ? '#555555' : '#D55E00'
        set arrow i from t, graph 0 to t, graph 1 nohead dt 2 lc rgb c lw 1
        tx = (t > last + 0.028 * H) ? t : last + 0.028 * H
        last = tx
        lab = word(evkeys, i) . (EN[i] < R ? sprintf(' (%.0f%%)', 100. * EN[i] / R) : '')
        set label i lab at tx, graph 0.98 rotate by 90 right font ',7' tc rgb c front offset 0.6, 0
    }
}

system('mkdir -p "'.dir.'/plots"')
set terminal pngcairo noenhanced size 800, 460 font ',9'
set output out
set xrange [0:H]
set samples H + 1
set yrange [0:*]
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set key outside right center title keycol noautotitle
set xlabel 'month since start'
set label 1000 caption at screen 0.01, screen 0.02 font ',6.5' tc rgb '#555555'
set bmargin 4.5
