"""Files to upload, made here from a few bytes (no binary fixtures in the repository)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image


def pdf(text: str = "Hello") -> bytes:
    """A one-page PDF whose page shows `text` (ASCII) in Helvetica, with a correct xref."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _zip(members: dict[str, str | bytes], *, stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(stored_first, members.pop(stored_first), zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _content_types(part: str, content_type: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT}">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )


def docx(text: str = "Hej") -> bytes:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return _zip(
        {
            "[Content_Types].xml": _content_types("word/document.xml", main),
            "word/document.xml": f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{text}'
            "</w:t></w:r></w:p></w:body></w:document>",
        }
    )


def xlsx(text: str = "Hej") -> bytes:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return _zip(
        {
            "[Content_Types].xml": _content_types("xl/workbook.xml", main),
            "xl/workbook.xml": f'<workbook xmlns="{S}"><sheets/></workbook>',
            "xl/sharedStrings.xml": f'<sst xmlns="{S}"><si><t>{text}</t></si></sst>',
        }
    )


def _odf(mimetype: str, body: str) -> bytes:
    return _zip(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{mimetype}",
            "content.xml": f'<office:document-content xmlns:office="{ODF_OFFICE}" '
            f'xmlns:text="{ODF_TEXT}"><office:body>{body}</office:body>'
            "</office:document-content>",
        },
        stored_first="mimetype",
    )


def odt(text: str = "Hej") -> bytes:
    return _odf("text", f"<office:text><text:p>{text}</text:p></office:text>")


def ods(text: str = "Hej") -> bytes:
    return _odf(
        "spreadsheet",
        f"<office:spreadsheet><table:table xmlns:table='urn:x'><text:p>{text}</text:p>"
        "</table:table></office:spreadsheet>",
    )


def image(fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A "document" that unpacks to 60 MB of zeros from some 60 kB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(60):
                member.write(chunk)
    return out.getvalue()


def docx_without_parts() -> bytes:
    return _zip({"readme.txt": "Just a zip, named as a Word document."})


# (file name, bytes, content type served) of every allowed type.
ALLOWED = [
    ("beslut.pdf", pdf("Beslut"), "application/pdf"),
    (
        "plan.docx",
        docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("budget.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("plan.odt", odt(), "application/vnd.oasis.opendocument.text"),
    ("budget.ods", ods(), "application/vnd.oasis.opendocument.spreadsheet"),
    ("karta.png", image("PNG"), "image/png"),
    ("foto.jpg", image("JPEG"), "image/jpeg"),
]
