#!/usr/bin/env bash
# Rebuilds the fixtures of this folder from ../corpus_sample.jsonl (see ../README.md).
# Needs LibreOffice (scripts/setup), poppler-utils, python3, xz, gzip.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
soff() { soffice --headless -env:UserInstallation="file://$tmp/profile" "$@" >/dev/null 2>&1; }
python3 - "$tmp" <<'PY'
import json, sys, csv
tmp = sys.argv[1]
docs = [json.loads(l) for l in open('../corpus_sample.jsonl', encoding='utf-8')]
d = docs[21]  # 重庆市专业技术人员继续教育条例, 1980 characters
open(f'{tmp}/continuing_education.txt', 'w', encoding='utf-8').write(d['title'] + '\n' + d['text'] + '\n')
d = docs[22]  # 北京市人民代表大会常务委员会组成人员守则
open(f'{tmp}/scan_source.txt', 'w', encoding='utf-8').write(d['title'] + '\n' + d['text'] + '\n')
with open(f'{tmp}/corpus_catalog.csv', 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f)
    w.writerow(['序号', '标题', '日期', '字数'])
    for i, d in enumerate(docs[:12]):
        w.writerow([i + 1, d['title'], d.get('date', ''), len(d['text'])])
PY
for fmt in doc rtf odt; do soff --convert-to "$fmt" --outdir . "$tmp/continuing_education.txt"; done
# WPS Office's .wps and .et are OLE compound files LibreOffice reads by content;
# these are Word 97 / Excel 97 files under the WPS extensions.
cp continuing_education.doc continuing_education.wps
soff --infilter="Text - txt - csv (StarCalc):44,34,76" --convert-to xlsx --outdir . "$tmp/corpus_catalog.csv"
soff --infilter="Text - txt - csv (StarCalc):44,34,76" --convert-to xls --outdir "$tmp" "$tmp/corpus_catalog.csv"
cp "$tmp/corpus_catalog.xls" corpus_catalog.et
# A scan: the page rendered to a small grey JPEG and put back into a PDF with no text.
soff --convert-to pdf --outdir "$tmp" "$tmp/scan_source.txt"
pdftoppm -f 1 -l 1 -r 30 -gray -jpeg -jpegopt quality=40 "$tmp/scan_source.pdf" "$tmp/page"
python3 - "$tmp"/page*.jpg scanned.pdf <<'PY'
import sys, struct
jpg = open(sys.argv[1], 'rb').read()
# The JPEG's size from its SOF0/SOF2 marker.
i = 2
while True:
    marker, length = jpg[i + 1], struct.unpack('>H', jpg[i + 2:i + 4])[0]
    if marker in (0xC0, 0xC2):
        h, w = struct.unpack('>HH', jpg[i + 5:i + 9]); break
    i += 2 + length
objs = [b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>',
        b'<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n' % (w, h, len(jpg)) + jpg + b'\nendstream']
content = b'q 595 0 0 842 0 0 cm /Im0 Do Q'
objs.append(b'<< /Length %d >>\nstream\n' % len(content) + content + b'\nendstream')
out = bytearray(b'%PDF-1.4\n')
offsets = []
for n, o in enumerate(objs, 1):
    offsets.append(len(out)); out += b'%d 0 obj\n' % n + o + b'\nendobj\n'
xref = len(out)
out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
for off in offsets: out += b'%010d 00000 n \n' % off
out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, xref)
open(sys.argv[2], 'wb').write(out)
PY
# Compressed files: a .jsonl of two reports and a text file.
head -n 5 ../corpus_sample.jsonl | tail -n 2 > "$tmp/two.jsonl"
xz -9 -c "$tmp/two.jsonl" > two_reports.jsonl.xz
gzip -9 -n -c "$tmp/continuing_education.txt" > continuing_education.txt.gz
ls -la
