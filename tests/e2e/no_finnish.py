"""no_finnish.py CONF MO DOC... - a Swedish page or wheel says no Finnish
text that has a Swedish twin (SPEC § 10.4); run by tests/e2e/lang_daemon.sh
and tests/e2e/lang_page.sh on documents Chromium built.

The Finnish texts: of CONF, every default-language text with a different
`_sv` twin (`name = "Kokkolan kaupunki"; name_sv = "Karleby stad";`) and
every `_fi` twin that differs from its Swedish text; of the catalogue MO,
every Finnish message piece whose Swedish translation is different.  CONF
is read with a small libconfig tokenizer of its own, not cadenced's loader.
"""
import gettext
import html
import re
import sys

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_-]*)'
                   r'|([=;:,{}()\[\]])|(#[^\n]*|//[^\n]*|/\*.*?\*/)|\s+|\S',
                   re.S)


def finnish_of_config(path):
    """the Finnish texts of CONF that have a different other-language twin"""
    groups, out = [{}], set()
    key, value = None, None
    for m in TOKEN.finditer(open(path, encoding="utf-8").read()):
        s, ident, punct = m.group(1), m.group(2), m.group(3)
        if s is not None and key is not None:
            value = (value or "") + s
        elif ident is not None and value is None:
            key = ident
        elif punct in ("{", "("):
            groups.append({})
            key = None
        elif punct in ("}", ")"):
            g = groups.pop()
            for k, v in g.items():
                if g.get(k + "_sv", v) != v:
                    out.add(v)
                if k.endswith("_fi") and g.get(k[:-3], v) != v:
                    out.add(v)
            key = None
        elif punct in (";", ","):
            if key is not None and value is not None:
                groups[-1][key] = value
            key, value = None, None
    return out


def finnish_of_catalogue(mo):
    out = set()
    cat = gettext.GNUTranslations(open(mo, "rb"))._catalog
    for key, msgstr in cat.items():
        msgid = key[0] if isinstance(key, tuple) else key  # plural: (id, n)
        if not msgid or msgid == msgstr:
            continue
        for chunk in re.split(r"%[0-9$]*[a-z]+|<[^>]+>",
                              msgid.split("\x04")[-1]):
            chunk = chunk.strip(" .,:;()–·\n")
            if len(chunk) >= 8 and chunk not in msgstr:
                out.add(chunk)
    return out


def text(path):
    s = open(path, encoding="utf-8").read()
    s = re.sub(r"<style.*?</style>", " ", s, flags=re.S)
    attrs = " ".join(re.findall(r'(?:alt|title|aria-label)="([^"]*)"', s))
    return re.sub(r"\s+", " ",
                  html.unescape(re.sub(r"<[^>]+>", " ", s) + " " + attrs))


def main():
    conf, mo, docs = sys.argv[1], sys.argv[2], sys.argv[3:]
    of_conf = finnish_of_config(conf)
    if len(of_conf) < 10:
        print("only %d Finnish texts with a twin in %s" % (len(of_conf),
                                                            conf))
        return 1
    finnish = of_conf | finnish_of_catalogue(mo)
    shown = {p: text(p) for p in docs}
    bad = [(w, p) for w in sorted(finnish) for p in docs if w in shown[p]]
    for w, p in bad[:10]:
        print("Finnish on the Swedish %s: %r" % (p.rsplit("/", 1)[-1], w))
    print("no_finnish.py: %d Finnish texts of the config, %d in all, %d "
          "found" % (len(of_conf), len(finnish), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
