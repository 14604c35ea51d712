"""What a file is, decided from its bytes: every allowed type passes, disguised files do not."""

from __future__ import annotations

import pytest

from portal.attachments.content import (
    MAX_TEXT_CHARS,
    PDF,
    PNG,
    BrokenFile,
    UnsupportedFile,
    clean_filename,
    inspect_file,
)
from tests.attachments import files


@pytest.mark.parametrize(("name", "data", "content_type"), files.ALLOWED, ids=lambda v: str(v)[:12])
def test_every_allowed_type_is_recognised_by_its_content(app, name, data, content_type):
    with app.test_request_context():
        # The name says nothing: the same bytes under a meaningless name are the same type.
        assert inspect_file(data, name).type.content_type == content_type
        assert inspect_file(data, "upload.bin").type.content_type == content_type


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (files.pdf, "Bygglovsbeslut"),
        (files.docx, "Detaljplan"),
        (files.xlsx, "Kostnad"),
        (files.odt, "Geodata"),
        (files.ods, "Budgetrad"),
    ],
)
def test_text_is_extracted_from_pdfs_and_documents(app, make, text):
    with app.test_request_context():
        assert text in inspect_file(make(text)).text


@pytest.mark.parametrize(
    ("name", "data", "refusal"),
    [
        ("plan.pdf", b"<!doctype html><html><script>alert(1)</script></html>", BrokenFile),
        ("plan.docx", files.zip_bomb(), BrokenFile),
        ("karta.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 100, BrokenFile),
        ("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, BrokenFile),
        ("plan.docx", files.docx_without_parts(), BrokenFile),
        ("plan.pdf", b"%PDF-1.4\nnot really a pdf", BrokenFile),
        ("notes.txt", b"just text", UnsupportedFile),
        ("page.html", b"<html></html>", UnsupportedFile),
        ("archive.zip", files.docx_without_parts(), UnsupportedFile),
        ("anything", b"GIF89a\x01\x00\x01\x00", UnsupportedFile),
    ],
    ids=[
        "html-named-pdf",
        "zip-bomb",
        "png-garbage",
        "jpeg-garbage",
        "docx-without-parts",
        "pdf-header-only",
        "text",
        "html",
        "plain-zip",
        "gif",
    ],
)
def test_disguised_and_unknown_files_are_refused(app, name, data, refusal):
    with app.test_request_context(), pytest.raises(refusal) as raised:
        inspect_file(data, name)
    assert raised.value.status_code == (422 if refusal is BrokenFile else 415)
    assert raised.value.message


def test_a_document_with_a_dtd_is_refused(app):
    evil = files._zip(
        {
            "[Content_Types].xml": '<!DOCTYPE lolz [<!ENTITY lol "lol">]><Types/>',
            "word/document.xml": "<x/>",
        }
    )
    with app.test_request_context(), pytest.raises(BrokenFile):
        inspect_file(evil, "evil.docx")


def test_extracted_text_is_bounded(app):
    with app.test_request_context():
        words = " ".join(f"ord{n}" for n in range(MAX_TEXT_CHARS // 4))
        text = inspect_file(files.docx(words)).text
    assert len(text) == MAX_TEXT_CHARS


def test_file_names_lose_folders_and_get_their_real_ending():
    assert clean_filename("C:\\Users\\x\\Beslut KS.pdf", PDF) == "Beslut KS.pdf"
    assert clean_filename("../../etc/passwd", PDF) == "passwd.pdf"
    assert clean_filename("karta.pdf", PNG) == "karta.pdf.png"
    assert clean_filename('a"b\x00c.png', PNG) == "a_b_c.png"
