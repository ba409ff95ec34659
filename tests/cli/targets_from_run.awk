# targets from a run directory: per month in MONTHS, the replication mean of
# each cloud's share_spend (market.csv) and each vendor's share of the
# spend in products.csv; every target gets standard error SE.
BEGIN { FS = ","; n = split(MONTHS, ms, " "); for (i = 1; i <= n; i++) want[ms[i]] = 1 }
FNR == 1 { file++; next }
file == 1 && ($3 in want) { cs[$3 "," $4] += $7; reps[$2] = 1 }
file == 2 && ($3 in want) { vs[$3 "," $4] += $8 / 1; sp[$3 "," $4 "," $2] += $8; tot[$3 "," $2] += $8 }
END {
    R = 0; for (r in reps) R++
    print "month,metric,subject,value,se"
    for (k in cs) printf "%s,share_spend,%s,%.6f,%s\n", substr(k, 1, index(k, ",") - 1), substr(k, index(k, ",") + 1), cs[k] / R, SE
    for (k in sp) { split(k, p, ","); vsh[p[1] "," p[2]] += sp[k] / tot[p[1] "," p[3]] }
    for (k in vsh) printf "%s,vendor_share_spend,%s,%.6f,%s\n", substr(k, 1, index(k, ",") - 1), substr(k, index(k, ",") + 1), vsh[k] / R, SE
}
