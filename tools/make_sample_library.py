#!/usr/bin/env python3
"""Builds data/sample/, the bundled demo library, from ../shared/corpus.

A one-off kept for the record (the output is committed): it picks about a dozen
public-domain official documents and writes them in the formats users have --
UTF-8 and GB18030 .txt, .docx (through tools/make_sample_docx, i.e. wenyuan's own
exporter), .html pages and one .jsonl. See data/sample/README.md.

    python3 tools/make_sample_library.py /work/shared/corpus data/sample /tmp/make_sample_docx
"""
import html
import json
import lzma
import os
import re
import shutil
import subprocess
import sys


def load(corpus, name, pred):
    with lzma.open(os.path.join(corpus, name), "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if pred(d):
                return d
    raise SystemExit(f"{name}: document not found")


def strip_wikisource_licence(text):
    # zh.wikisource appends its public-domain licence template ("本作品是…"/"本作品来自…",
    # ending in "Public domain\nfalse"): page furniture, not part of the document.
    cut = text.rfind("\n\n本作品")
    return text[:cut].rstrip() + "\n" if cut >= 0 else text


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def iconv(text, to):
    return subprocess.run(["iconv", "-f", "UTF-8", "-t", to], input=text.encode("utf-8"),
                          capture_output=True, check=True).stdout


def html_page(title, site, date, source, body_html, charset="utf-8"):
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}_{site}</title>
<link rel="stylesheet" href="/css/article.css">
<script>var _hmt = _hmt || []; /* 访问统计 */</script>
</head>
<body>
<header class="site-header"><a href="/">{site}</a> <span>无障碍浏览</span> <span>English</span></header>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zcwj/">政策文件</a></li><li><a href="/hdjl/">互动交流</a></li></ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 政策文件</div>
<article>
<h1>{html.escape(title)}</h1>
<div class="info">发布日期：{date}　来源：{html.escape(source)}</div>
<div class="content">
{body_html}
</div>
</article>
<aside><h3>相关文件</h3><ul><li><a href="#">政策解读</a></li></ul></aside>
<footer>主办单位：{site}　版权所有　<a href="#">网站地图</a></footer>
<script>document.getElementById("fontsize").onclick = function () {{}};</script>
</body>
</html>
"""


def paragraphs_html(lines, heading_re):
    out = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if heading_re.match(line):
            out.append(f"<h2>{html.escape(line)}</h2>")
        else:
            out.append(f"<p>{html.escape(line)}</p>")
    return "\n".join(out)


def main():
    corpus, out, docx_tool = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)

    # State Council government work reports (zh.wikisource): title line added on top.
    for year, encoding in (("2025", "UTF-8"), ("2024", "GB18030")):
        d = load(corpus, "gov_work_reports.jsonl.xz", lambda d: d["date"] == year)
        text = d["title"] + "\n\n" + strip_wikisource_licence(d["text"])
        name = f"gwr_{year}_state_council.txt"
        if encoding == "UTF-8":
            write(os.path.join(out, name), text.encode("utf-8"))
        else:  # as saved by Notepad on a Chinese Windows: GB18030 with CRLF
            write(os.path.join(out, name), iconv(text.replace("\n", "\r\n"), "GB18030"))

    # The 20th CPC National Congress report (zh.wikisource).
    d = load(corpus, "cpc_congress_reports.jsonl.xz", lambda d: d["date"] == "congress-20")
    write(os.path.join(out, "cpc_20th_congress_report.txt"), strip_wikisource_licence(d["text"]).encode("utf-8"))

    # Laws as .txt: UTF-8 and GB18030.
    d = load(corpus, "laws.jsonl.xz", lambda d: d["title"] == "国旗法")
    write(os.path.join(out, "law_national_flag.txt"), d["text"].encode("utf-8"))
    d = load(corpus, "laws.jsonl.xz", lambda d: d["title"] == "反食品浪费法")
    write(os.path.join(out, "law_food_waste_gb18030.txt"), iconv(d["text"], "GB18030"))

    # .docx through wenyuan's exporter: a law and a provincial report.
    tmp = os.path.join(out, ".tmp.txt")
    d = load(corpus, "laws.jsonl.xz", lambda d: d["title"] == "个人信息保护法")
    write(tmp, d["text"].encode("utf-8"))
    subprocess.run([docx_tool, tmp, os.path.join(out, "law_personal_information_protection.docx"),
                    "中华人民共和国个人信息保护法"], check=True)
    d = load(corpus, "provincial_gwr_2026.jsonl.xz", lambda d: d.get("province") == "浙江省")
    text = d["text"].rstrip()
    if text.endswith("相关报道："):  # a dangling link label of the news page
        text = text[: -len("相关报道：")].rstrip() + "\n"
    write(tmp, text.encode("utf-8"))
    subprocess.run([docx_tool, tmp, os.path.join(out, "gwr_2026_zhejiang.docx"), d["title"]], check=True)
    os.remove(tmp)

    # .html: a provincial report (UTF-8) and a law on a GB2312-declared page.
    d = load(corpus, "provincial_gwr_2026.jsonl.xz", lambda d: d.get("province") == "四川省")
    lines = d["text"].split("\n")
    # The scraped text begins with the news page's furniture (date, 来源, 【字体：大 中 小】, 分享)
    # and repeats the title; the page below carries those in its own header instead.
    start = next(i for i, l in enumerate(lines) if l.startswith("2026年2月3日在"))
    body = paragraphs_html(lines[start:], re.compile(r"^[一二三四五六七八九十]+、"))
    write(os.path.join(out, "gwr_2026_sichuan.html"),
          html_page(d["title"], "四川省人民政府网站", "2026-02-10", "四川日报", body).encode("utf-8"))
    d = load(corpus, "laws.jsonl.xz", lambda d: d["title"] == "劳动合同法")
    lines = d["text"].split("\n")
    body = paragraphs_html(lines[1:], re.compile(r"^第[一二三四五六七八九十]+章"))
    page = html_page("中华人民共和国劳动合同法", "中国人大网", d["date"], "全国人民代表大会常务委员会", body,
                     charset="gb2312")
    write(os.path.join(out, "law_labour_contract_gb2312.html"), iconv(page, "GB18030"))

    # .jsonl: three laws and regulations with ids, dates, sources and categories.
    with open(os.path.join(out, "laws_3.jsonl"), "w", encoding="utf-8") as f:
        for i, (title, tags) in enumerate((("电子签名法", ["电子商务", "民商事"]),
                                           ("数据安全法", "数据,网络安全,行政管理"),
                                           ("政府信息公开条例", ["政务公开"]))):
            d = load(corpus, "laws.jsonl.xz", lambda d, t=title: d["title"] == t)
            rec = {"id": f"sample-law-{i + 1:03d}", "title": d["text"].split("\n", 1)[0], "text": d["text"],
                   "date": d["date"], "source": d["source"], "category": d["category"], "tags": tags,
                   "access": "free"}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")

    # The seed sample, the project's canonical example (paywall markers and all).
    shutil.copyfile(os.path.join(corpus, "..", "samples", "000_f507f32534401310.txt"),
                    os.path.join(out, "000_f507f32534401310.txt"))


if __name__ == "__main__":
    main()
