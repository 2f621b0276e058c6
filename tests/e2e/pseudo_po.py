"""pseudo_po.py PO OUT.po - a pseudo-translation of every message of PO
(po/sv.po, for its header): each word of a message's own text wrapped in
«», its printf and strftime directives, HTML tags (not a placeholder
like "<päivä>"), entities and URLs left as they are ("Seuraava kokous:
%s" -> "«Seuraava» «kokous»: %s"). Run by tests/e2e/lang_pseudo.py,
which compiles OUT.po with msgfmt --check and installs it as the Swedish
catalogue: a word then shown that is not marked was never looked up in a
catalogue. By hand: make, then python3 tests/e2e/pseudo_po.py po/sv.po
/tmp/p.po, msgfmt -o /tmp/l/sv/LC_MESSAGES/cadenced.mo /tmp/p.po,
CADENCE_LOCALEDIR=/tmp/l.
"""
import re
import sys

from babel.messages.pofile import read_po, write_po

PIECE = re.compile(
    r"(%(?:\d+\$)?[-+ #0'_^]*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
    r"(?:hh|h|ll|l|j|z|t|L|E|O)?[A-Za-z%])"
    r"|(</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&#?[A-Za-z0-9]+;"
    r"|[a-z]+://[^\s<>\"']+)"
    r"|([^\W\d_](?:[\w'’-]*\w)?)")


def mark(s):
    def one(m):
        return "«%s»" % m.group(3) if m.group(3) else m.group(0)
    return PIECE.sub(one, s)


def main():
    with open(sys.argv[1], "rb") as f:
        cat = read_po(f, locale="sv")
    for msg in cat:
        if not msg.id:
            continue
        if msg.pluralizable:
            msg.string = tuple(mark(i) for i in msg.id)
        else:
            msg.string = mark(msg.id)
        msg.flags.discard("fuzzy")
    with open(sys.argv[2], "wb") as f:
        write_po(f, cat, width=0, omit_header=False)


if __name__ == "__main__":
    main()
