#!/usr/bin/env python3
"""Writes unicode_tables.inc: the Unicode data the WordPiece tokenizer needs.

    gen_unicode_tables.py [UCD_DIR] > runtime/tokenizer/unicode_tables.inc

UCD_DIR is Debian's unicode-data package (/usr/share/unicode, Unicode 15.0).
The ctest `unicode_tables_current` regenerates the file and diffs it.

Hugging Face's tokenizers (the oracle we match) does not use one Unicode
version, so neither do these tables:
  - categories (Cc/Cf/Co "other", Mn, P*) come from the unicode_categories
    0.1.1 crate, generated from Unicode 8.0: a character added later is not in
    them, and the few whose category changed since 8.0 are listed in
    CATEGORY_8_0 below (checked against that crate's tables);
  - NFD (decompositions and combining classes) comes from
    unicode-normalization-alignments 0.1.12, Unicode 9.0: characters added
    later do not decompose and have class 0 (both are stable once assigned);
  - whitespace and lowercase come from Rust's std (Unicode 16/17 in the
    rustc that built tokenizers 0.23.2): White_Space has not changed since,
    lowercase mappings are taken from this UCD (15.0) as is.
"""
import sys

CATEGORY_VERSION = (8, 0)
NFD_VERSION = (9, 0)
# General_Category in Unicode 8.0 of characters whose category changed later.
CATEGORY_8_0 = {
    0x1734: "Mn",  # HANUNOO SIGN PAMUDPOD, Mc since 14.0
    0x111C9: "Po",  # SHARADA SANDHI MARK, Mn since 13.0
    0x1885: "Lo",  # MONGOLIAN LETTER ALI GALI BALUDA, Mn since 9.0
    0x1886: "Lo",  # MONGOLIAN LETTER ALI GALI THREE BALUDA, Mn since 9.0
    0xA9BD: "Mc",  # JAVANESE CONSONANT SIGN KERET, Mn since 12.0
    0x166D: "Po",  # CANADIAN SYLLABICS CHI SIGN, So since 12.0
}
# Flag bits; unicode.h names them.
OTHER, WHITESPACE, PUNCTUATION, NONSPACING_MARK = 1, 2, 4, 8


def ranges_of(path):
    """(first, last, fields) for each data line of a UCD ';' file."""
    for line in open(path, encoding="utf-8"):
        line = line.split("#")[0].strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(";")]
        first, _, last = fields[0].partition("..")
        yield int(first, 16), int(last or first, 16), fields[1:]


def unicode_data(ucd):
    """cp -> fields of UnicodeData.txt, with its First/Last ranges expanded."""
    rows, first = {}, None
    for line in open(f"{ucd}/UnicodeData.txt", encoding="utf-8"):
        fields = line.rstrip("\n").split(";")
        cp = int(fields[0], 16)
        if fields[1].endswith(", First>"):
            first = cp
            continue
        if fields[1].endswith(", Last>"):
            for c in range(first, cp + 1):
                rows[c] = fields
            continue
        rows[cp] = fields
    return rows


def write_runs(out, comment, declaration, values):
    """Writes values ({code point: value}) as {first, last, value} runs of
    consecutive code points with one value."""
    out.write(f"// {comment}\n")
    out.write(f"inline constexpr {declaration}[] = {{\n")
    cps = sorted(values)
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1 and values[cps[j + 1]] == values[cps[i]]:
            j += 1
        out.write(f"    {{0x{cps[i]:X}, 0x{cps[j]:X}, {values[cps[i]]}}},\n")
        i = j + 1
    out.write("};\n\n")


def main():
    ucd = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
    rows = unicode_data(ucd)
    age = {}
    for first, last, (version,) in ranges_of(f"{ucd}/DerivedAge.txt"):
        for c in range(first, last + 1):
            age[c] = tuple(int(x) for x in version.split("."))
    white = set()
    for first, last, (prop,) in ranges_of(f"{ucd}/PropList.txt"):
        if prop == "White_Space":
            white.update(range(first, last + 1))

    flags = {}
    for cp, fields in rows.items():
        cat = fields[2]
        if age[cp] > CATEGORY_VERSION:
            cat = "Cn"
        cat = CATEGORY_8_0.get(cp, cat)
        bits = 0
        if cat in ("Cc", "Cf", "Co"):
            bits |= OTHER
        if cat.startswith("P"):
            bits |= PUNCTUATION
        if cat == "Mn":
            bits |= NONSPACING_MARK
        if bits:
            flags[cp] = bits
    for cp in white:
        flags[cp] = flags.get(cp, 0) | WHITESPACE

    def canonical(cp):
        """Full canonical decomposition (Unicode 9.0), Hangul excepted."""
        fields = rows.get(cp)
        if not fields or age[cp] > NFD_VERSION or not fields[5] or fields[5].startswith("<"):
            return [cp]
        return [d for part in fields[5].split() for d in canonical(int(part, 16))]

    decompositions = {}
    ccc = {}
    lower = {}
    for cp, fields in rows.items():
        if age[cp] <= NFD_VERSION:
            full = canonical(cp)
            if full != [cp]:
                decompositions[cp] = full
            if int(fields[3]):
                ccc[cp] = int(fields[3])
        if fields[13]:
            lower[cp] = [int(fields[13], 16)]
    # Unconditional multi-character lowercase (char::to_lowercase has these).
    for first, _, fields in ranges_of(f"{ucd}/SpecialCasing.txt"):
        if len(fields) >= 4 and fields[3] == "":
            mapping = [int(x, 16) for x in fields[0].split()]
            if mapping != [first]:
                lower[first] = mapping

    out = sys.stdout
    out.write("// Generated by runtime/tokenizer/gen_unicode_tables.py from Debian's unicode-data\n")
    out.write("// package; do not edit (ctest unicode_tables_current diffs it).\n\n")
    write_runs(out, "Runs of code points with the same flags (unicode.h's kOther...).",
               "FlagRange kFlagRanges", flags)
    write_runs(out, "Canonical combining classes other than 0, in runs.",
               "ClassRange kCombiningClasses", ccc)

    for name, what, table in (("Decomposition", "Full canonical decompositions", decompositions),
                              ("Lowercase", "Lowercase mappings", lower)):
        pool = []
        entries = []
        for cp in sorted(table):
            entries.append((cp, len(pool), len(table[cp])))
            pool.extend(table[cp])
        out.write(f"// {what}: code point -> k{name}Pool[offset, offset + length).\n")
        out.write(f"inline constexpr uint32_t k{name}Pool[] = {{\n")
        for k in range(0, len(pool), 10):
            out.write("    " + ", ".join(f"0x{c:X}" for c in pool[k:k + 10]) + ",\n")
        out.write("};\n")
        out.write(f"inline constexpr Mapping k{name}s[] = {{\n")
        for cp, offset, length in entries:
            out.write(f"    {{0x{cp:X}, {offset}, {length}}},\n")
        out.write("};\n\n")


if __name__ == "__main__":
    main()
