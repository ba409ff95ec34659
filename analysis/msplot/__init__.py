"""msplot - figures and tables from marketsim's CSV outputs (analysis/plot.py,
analysis/report.py). Needs Debian's python3-matplotlib, python3-pandas and
python3-scipy; msplot.env checks for them before anything imports them."""
