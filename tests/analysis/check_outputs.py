#!/usr/bin/env python3
"""check_outputs.py FILE... - the checks tests/cli/test_plots.sh makes on
drawn files; prints one line per failure and exits 1 if any failed.

- .png: decodes, and is not blank: the pixels' standard deviation is above
  0.02 (on 0..1) and over 1% of the pixels differ from the most common
  (background) colour;
- .svg: parses as XML with an <svg> root;
- .pdf: starts with %PDF- and ends with %%EOF;
- .html: parses as XML and as HTML, holds no http:// or https:// string,
  no <script>, and at least one inline <svg>.
"""
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
from PIL import Image


def png(path):
    with Image.open(path) as im:
        im.load()
        a = np.asarray(im.convert("RGB"), dtype=float) / 255.0
    if a.shape[0] < 100 or a.shape[1] < 100:
        return "too small: %dx%d" % (a.shape[1], a.shape[0])
    flat = a.reshape(-1, 3)
    vals, counts = np.unique(flat, axis=0, return_counts=True)
    other = 1.0 - counts.max() / len(flat)
    if a.std() <= 0.02 or other <= 0.01:
        return "blank: pixel sd %.4f, %.2f%% non-background" % (a.std(), 100 * other)
    return None


def svg(path):
    root = ET.parse(path).getroot()
    return None if root.tag.endswith("svg") else "root is <%s>, not <svg>" % root.tag


def pdf(path):
    with open(path, "rb") as f:
        data = f.read()
    return None if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:] else "not a PDF"


def html(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    ET.fromstring(text.split("\n", 1)[1] if text.startswith("<!DOCTYPE") else text)
    p = HTMLParser()
    p.feed(text)
    p.close()
    low = text.lower()
    for bad in ("http://", "https://", "<script"):
        if bad in low:
            return "holds %r" % bad
    return None if "<svg" in low else "no inline <svg>"


def main(paths):
    fails = 0
    for p in paths:
        kind = p.rsplit(".", 1)[-1].lower()
        try:
            err = {"png": png, "svg": svg, "pdf": pdf, "html": html}[kind](p)
        except Exception as e:  # a decoder's or parser's complaint is the failure
            err = "%s: %s" % (type(e).__name__, e)
        if err:
            fails += 1
            print("%s: %s" % (p, err))
    return 1 if fails or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
