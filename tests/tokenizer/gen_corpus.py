#!/usr/bin/env python3
"""Writes the tokenizer conformance corpus: one JSON array per line, [text] or
[text, pair], deterministic (seeded), every class issue 14 lists.

    gen_corpus.py OUT.jsonl [UCD_DIR]

Random characters are drawn from those Unicode 15.0 assigns (Debian's
unicode-data), the version minirt's tables come from.
"""
import json
import random
import sys

rng = random.Random(14)

WORDS = ("the quick brown fox jumps over lazy dog a an of to in is it that for on with as was "
         "by at be this have from or one had not but what all were when we there can your which "
         "their said if do will each about how up out them then she many some so these would "
         "other into has more her two like him see time could no make than first been its who "
         "now people my made over did down only way find use may water long little very after "
         "words called just where most know get through back much before go good new write our "
         "used me man too any day same right look think also around another came come work "
         "three word must because does part even place well such here take why things help put "
         "years different away again off went old number great tell men say small every found "
         "still between name should home big give air line set own under read last never us "
         "left end along while might next sound below saw something thought both few those "
         "always looked show large often together asked house don't world going want school "
         "important until form food keep children feet land side without boy once animals life "
         "enough took sometimes four head above kind began almost live page got earth need far "
         "hand high year mother light parts country father let night following picture being "
         "study second eyes soon times story boys since white days ever paper hard near sentence "
         "better best across during today others however sure means knew it's try told young "
         "miles sun ways thing whole hear example heard several change answer room sea against "
         "top turned learn point city play toward five using himself usually unaffable "
         "tokenization transformers huggingface embeddings inference runtime").split()

ACCENTED = ("café naïve résumé Ångström Œuvre façade jalapeño crème brûlée São Paulo Zürich "
            "Dvořák Łódź Ærøskøbing Việt Nam tiếng Việt İstanbul ılık ΟΔΟΣ Σίσυφος ὁδός "
            "Ελληνικά Ünïcödé coöperate piñata señor Müller Straße ǅemal ǈubljana ﬁnance "
            "x²  ½ ① ㎞ Ⅻ ℌ ſ K Å Ω").split()

CJK = ["中文分词测试", "我爱北京天安门", "機械学習と自然言語処理", "日本語のテキストです。",
       "ひらがなカタカナ漢字", "ｶﾀｶﾅ半角", "한국어 텍스트입니다", "안녕하세요 세계",
       "訓練された模型", "國語辭典", "𠀀𠀁𠀂 𪜀 𫝀 𫠠 𬺰 𮯠 𰀀 𱍐", "㐀㐁 䶵 鿿 龥",
       "豈更車 丽丸乁", "你好，世界！", "「引用」『二重』【強調】", "中a文b字c"]

EMOJI = ["😀", "🥰", "🫠", "👍🏽", "👨‍👩‍👧‍👦", "🇯🇵", "1️⃣", "❤️", "🏳️‍🌈", "🤖💬", "☕", "🧑🏿‍💻",
         "✌︎", "🪐", "🫶🏻"]

CONTROLS = ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u200b", "\u200c", "\u200d",
            "\u2060", "\ufeff", "\u00ad", "\u202e", "\u061c", "\ufffd", "\t", "\r", "\n", "\r\n",
            "\u2028", "\u2029", "\u3000", "\u00a0", "\u2003", "\u180e", "\ue000", "\U000f0001",
            "\U0010fffd", "\uffff", "\u0378", "\U000e0001", "\U000e0041", "\v", "\f", "\x1c"]

PUNCT = ["!!!", "?!?", "...", "…", "---", "—", "–", "(((", ")))", "\"\"", "''", "«»", "“”", "‘’",
         "¿¡", "、。", "，！？", "·", "•", "‰", "§¶", "@#$%^&*", "<>=+~|`", "{}[]", "\\/", "_",
         "៚", "჻", "߷", "꧁꧂", "⁂", "⸺", "⹂", "𑁇", "𖺗", "𞥞", "﹏", "＂＃", "〜", "゠"]

SCRIPTS = ["Привет мир", "Ελληνικά γράμματα", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया",
           "สวัสดีชาวโลก", "வணக்கம் உலகம்", "გამარჯობა", "Բարեւ աշխարհ", "ሰላም ዓለም",
           "ᏣᎳᎩ", "ᚠᚢᚦᚨᚱᚲ", "ꦲꦏ꧀ꦱꦫ", "ᠮᠣᠩᠭᠣᠯ", "ພາສາລາວ", "ភាសាខ្មែរ", "සිංහල", "ગુજરાતી",
           "ਪੰਜਾਬੀ", "తెలుగు", "ಕನ್ನಡ", "മലയാളം", "বাংলা", "ଓଡ଼ିଆ", "ᨅᨔ ᨕᨘᨁᨗ", "𐌰𐌱𐌲", "𓀀𓁐"]

COMBINING = (list(range(0x300, 0x370)) + list(range(0x1AB0, 0x1ACF)) + list(range(0x1DC0, 0x1E00))
             + list(range(0x20D0, 0x20F1)) + [0x5B0, 0x64B, 0x93C, 0xE31, 0x302A, 0xFE20, 0x1D165,
                                               0x1D167, 0x1734, 0x111C9, 0x1885, 0xA9BD])

URLS = ["https://example.com/path?q=1&r=two#frag", "http://www.minirt.dev/docs/index.html",
        "user.name+tag@example.co.uk", "ftp://files.example.org/pub/a_b-c.tar.gz",
        "https://ja.wikipedia.org/wiki/東京", "www.example.com:8080/a/b;c?d=e",
        "mailto:someone@example.com", "C:\\Program Files\\minirt\\bin", "/usr/share/unicode/"]


def assigned(ucd):
    chars, first = [], None
    for line in open(f"{ucd}/UnicodeData.txt", encoding="utf-8"):
        f = line.split(";")
        cp = int(f[0], 16)
        if f[2] == "Cs":
            continue
        if f[1].endswith("First>"):
            first = cp
            continue
        if f[1].endswith("Last>"):
            chars.extend(range(first, cp + 1, max(1, (cp - first) // 64)))
            continue
        chars.append(cp)
    return chars


def word():
    w = rng.choice(WORDS)
    r = rng.random()
    if r < 0.15:
        return w.capitalize()
    if r < 0.2:
        return w.upper()
    return w


def sentence(n=None):
    n = n or rng.randint(3, 18)
    parts = [word() for _ in range(n)]
    for i in range(len(parts)):
        if rng.random() < 0.1:
            parts[i] += rng.choice([",", ".", ";", ":", "!", "?", "'s"])
    return " ".join(parts)


def number():
    return rng.choice([str(rng.randint(0, 10**rng.randint(1, 12))), f"{rng.uniform(-1e4, 1e4):.5f}",
                       f"{rng.randint(1, 999)},{rng.randint(100, 999)},{rng.randint(100, 999)}",
                       f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}", "2026-12-01", "$5.99",
                       "50%", "1e-10", "0x1F", "3.14159", "+44 20 7946 0958", "٣٤٥", "४२", "１２３"])


def long_word():
    n = rng.choice([99, 100, 101, 150, rng.randint(20, 120)])
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))


def combining_text():
    out = []
    for _ in range(rng.randint(1, 6)):
        out.append(rng.choice("aeiouAEIOUnNcCzZßøæ"))
        for _ in range(rng.randint(1, 4)):
            out.append(chr(rng.choice(COMBINING)))
        if rng.random() < 0.3:
            out.append(" ")
    return "".join(out)


def random_chars(pool):
    return "".join(chr(rng.choice(pool)) if rng.random() < 0.7 else rng.choice(" ,.a")
                   for _ in range(rng.randint(1, 40)))


def mixed():
    pieces = [sentence(rng.randint(1, 5)), rng.choice(ACCENTED), rng.choice(CJK), rng.choice(EMOJI),
              rng.choice(CONTROLS), rng.choice(PUNCT), rng.choice(SCRIPTS), number(),
              rng.choice(URLS), combining_text(), "[MASK]", "[SEP]", "[cls]", "[UNK]"]
    return rng.choice(["", " ", ""]).join(rng.sample(pieces, rng.randint(2, 6)))


def main():
    out_path = sys.argv[1]
    ucd = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/unicode"
    pool = assigned(ucd)
    bmp = [c for c in pool if c < 0x10000]
    makers = [
        (300, sentence),
        (60, lambda: " ".join(rng.choice(PUNCT) for _ in range(rng.randint(1, 8)))),
        (150, lambda: " ".join(rng.choice(ACCENTED) for _ in range(rng.randint(1, 6)))),
        (150, combining_text),
        (150, lambda: rng.choice(CJK) + rng.choice(["", " ", "。"]) + rng.choice(CJK)),
        (80, lambda: " ".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 5))) + " " + sentence(3)),
        (120, lambda: rng.choice(CONTROLS).join([word(), word(), word()]) + rng.choice(CONTROLS)),
        (60, lambda: long_word() + rng.choice(["", " ", " end"])),
        (80, lambda: " ".join(number() for _ in range(rng.randint(1, 5)))),
        (60, lambda: rng.choice(URLS) + " " + sentence(2)),
        (120, lambda: " ".join(rng.choice(SCRIPTS) for _ in range(rng.randint(1, 3)))),
        (20, lambda: rng.choice(["", " ", "\t\t", "\u3000", "\u200b", "\n", " \r\n ", "\x00", "\ufeff"])),
        (30, lambda: rng.choice(["[CLS] hi [SEP]", "[MASK]", "[mask]", "[UNK]x", "a[PAD]b",
                                 "[SEP][SEP]", "[MASK ]", "x [MASK] y"])),
        (200, lambda: random_chars(pool)),
        (150, lambda: random_chars(bmp)),
        (250, mixed),
        (20, lambda: " ".join(sentence() for _ in range(60))),  # past 512 tokens
    ]
    lines = []
    for count, make in makers:
        for _ in range(count):
            lines.append([make()])
    singles = [line[0] for line in lines]
    for _ in range(500):  # pairs, of every class
        a, b = rng.choice(singles), rng.choice(singles)
        if rng.random() < 0.1:
            b = " ".join(sentence() for _ in range(40))
        lines.append([a, b])
    with open(out_path, "w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=True) + "\n")
    print(f"{out_path}: {len(lines)} lines")


if __name__ == "__main__":
    main()
