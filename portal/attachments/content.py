"""What a file really is, decided from its bytes: magic bytes first, then a real parse.

Allowed: PDF (parsed by pypdf), ODF text and spreadsheet (odt, ods) and OOXML Word and Excel
(docx, xlsx) documents (zip archives whose mimetype or [Content_Types].xml and main part are
checked and parsed, behind a zip-bomb guard), PNG and JPEG images (decoded by Pillow). The
file's name and the client's content type never decide anything; the name only picks the
message when a file claims a type by its ending but is not one.

`inspect_file` answers the type, the content type to serve and the text to index (PDFs and
documents; bounded in pages and characters), or raises:
- `UnsupportedFile` (415): not one of the allowed types;
- `BrokenFile` (422): looks like (or is named as) an allowed type but does not parse.

Pure functions of bytes: no Flask, no database.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.errors import UnsupportedMediaType, ValidationError

# Text kept for the search index from one file, and the pages of a PDF read for it.
MAX_TEXT_CHARS = 200_000
MAX_PDF_PAGES = 200
# Zip-bomb guard: what a document may unpack to, in all and per compressed byte.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 10_000
# A single XML part read for checking or text (content.xml, document.xml, sharedStrings.xml).
MAX_XML_PART_BYTES = 50 * 1024 * 1024
# Images: decoding more pixels than this is refused (Pillow's own bomb limit is ~89 million).
MAX_IMAGE_PIXELS = 50_000_000


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extension: str
    label: str  # or a lazy translation: str() it where it is shown


PDF = FileType("pdf", "application/pdf", "pdf", "PDF")
ODT = FileType("odt", "application/vnd.oasis.opendocument.text", "odt", _l("ODF text document"))
ODS = FileType(
    "ods", "application/vnd.oasis.opendocument.spreadsheet", "ods", _l("ODF spreadsheet")
)
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    "Word",
)
XLSX = FileType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel"
)
PNG = FileType("png", "image/png", "png", "PNG")
JPEG = FileType("jpeg", "image/jpeg", "jpg", "JPEG")

TYPES = (PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG)
BY_CONTENT_TYPE = {t.content_type: t for t in TYPES}
# The endings a file may carry for each type (the first is the one a download gets).
EXTENSIONS = {
    "pdf": PDF,
    "odt": ODT,
    "ods": ODS,
    "docx": DOCX,
    "xlsx": XLSX,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
}
IMAGE_TYPES = frozenset({PNG.content_type, JPEG.content_type})

_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
}
# OOXML: the main part each type's [Content_Types].xml must declare, and its content type.
_OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# Documents never need a DTD; refusing one rules out entity expansion ("billion laughs").
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsupportedFile(UnsupportedMediaType):
    """Not a file type the portal accepts (415)."""


class BrokenFile(ValidationError):
    """Claims an allowed type (by its bytes or its name) but does not parse as one (422)."""


@dataclass(frozen=True)
class InspectedFile:
    type: FileType
    text: str


def allowed_types_text() -> str:
    return "PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG"


def _unsupported() -> UnsupportedFile:
    return UnsupportedFile(
        _(
            "This type of file cannot be attached. Allowed: %(types)s.",
            types=allowed_types_text(),
        ),
        {"file": [_("Not an allowed file type.")]},
    )


def _broken(file_type: FileType, reason: str | None = None) -> BrokenFile:
    message = _(
        "The file is not a valid %(type)s file, so it was not stored.", type=str(file_type.label)
    )
    if reason:
        message = f"{message} ({reason})"
    return BrokenFile(message, {"file": [message]})


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _bounded(parts: list[str]) -> str:
    text = "\n".join(p for p in parts if p and p.strip())
    return text[:MAX_TEXT_CHARS]


# --- PDF ---------------------------------------------------------------------------------------


def _opened_without_password(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - an encryption pypdf cannot open: keep the file, no text
        return False


def _inspect_pdf(data: bytes) -> InspectedFile:
    from pypdf import PdfReader

    # pypdf warns (and logs) about every oddity of real-world PDFs; none of them matters here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _opened_without_password(reader):
                # A password-protected PDF is a PDF; its text cannot be read, so none is indexed.
                return InspectedFile(PDF, "")
            pages = reader.pages
            count = len(pages)
        except Exception as error:  # noqa: BLE001 - any failure of the parser means "not a PDF"
            raise _broken(PDF) from error
        if count < 1:
            raise _broken(PDF, _("it has no pages"))
        parts: list[str] = []
        length = 0
        for index in range(min(count, MAX_PDF_PAGES)):
            try:
                page_text = pages[index].extract_text() or ""
            except Exception:  # noqa: BLE001, S112 - a page without readable text is still a page
                continue
            parts.append(page_text)
            length += len(page_text)
            if length >= MAX_TEXT_CHARS:
                break
    return InspectedFile(PDF, _bounded(parts))


# --- zip documents (ODF and OOXML) -------------------------------------------------------------


def _guard_zip(archive: zipfile.ZipFile, size: int, file_type: FileType | None) -> None:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _zip_refused(file_type)
    unzipped = sum(m.file_size for m in members)
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_COMPRESSION_RATIO * max(size, 1024):
        raise _zip_refused(file_type)


def _zip_refused(file_type: FileType | None) -> ValidationError:
    reason = _("it unpacks to far more than its size")
    if file_type is None:
        return BrokenFile(
            _("The archive unpacks to far more than its size, so it was not stored."),
            {"file": [_("Unpacks to far more than its size.")]},
        )
    return _broken(file_type, reason)


def _read_member(archive: zipfile.ZipFile, name: str, file_type: FileType) -> bytes:
    """A member's bytes, read no further than the limit whatever its header claims."""
    try:
        with archive.open(name) as member:
            data = member.read(MAX_XML_PART_BYTES + 1)
    except KeyError as error:
        raise _broken(file_type, _("a required part is missing")) from error
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as error:
        raise _broken(file_type) from error
    if len(data) > MAX_XML_PART_BYTES:
        raise _zip_refused(file_type)
    return data


def _parse_xml(data: bytes, file_type: FileType) -> ElementTree.Element:
    if _DTD.search(data):
        raise _broken(file_type, _("it declares a DTD"))
    try:
        return ElementTree.fromstring(data)  # noqa: S314 - no DTD (refused above), bounded size
    except ElementTree.ParseError as error:
        raise _broken(file_type) from error


def _ooxml_type(
    archive: zipfile.ZipFile, names: set[str], claimed: FileType
) -> tuple[FileType, str] | None:
    """The OOXML type [Content_Types].xml declares, with its main part's name."""
    if "[Content_Types].xml" not in names:
        return None
    data = _read_member(archive, "[Content_Types].xml", claimed)
    root = _parse_xml(data, claimed)
    for override in root.iter(f"{_CT_NS}Override"):
        for file_type, main in _OOXML_MAIN.items():
            if override.get("ContentType") == main:
                return file_type, (override.get("PartName") or "").lstrip("/")
    return None


def _text_of(root: ElementTree.Element, paragraph: str, run: str) -> list[str]:
    parts = []
    for element in root.iter(paragraph):
        parts.append("".join(t.text or "" for t in element.iter(run)))
    return parts


def _odf_text(root: ElementTree.Element) -> list[str]:
    parts = []
    for tag in (f"{_TEXT_NS}h", f"{_TEXT_NS}p"):
        parts += ["".join(element.itertext()) for element in root.iter(tag)]
    return parts


def _inspect_zip(data: bytes, claimed: FileType | None) -> InspectedFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        if claimed is not None:
            raise _broken(claimed) from error
        raise _unsupported() from error
    with archive:
        _guard_zip(archive, len(data), claimed)
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = _read_member(archive, "mimetype", claimed or ODT).strip()
            file_type = _ODF_MIMETYPES.get(mimetype)
            if file_type is not None:
                root = _parse_xml(_read_member(archive, "content.xml", file_type), file_type)
                return InspectedFile(file_type, _bounded(_odf_text(root)))
        declared = _ooxml_type(archive, names, claimed or DOCX)
        if declared is None:
            # A zip, but none of the documents the portal takes.
            if claimed is not None:
                raise _broken(claimed, _("the document's parts are missing"))
            raise _unsupported()
        file_type, main_part = declared
        root = _parse_xml(_read_member(archive, main_part, file_type), file_type)
        if file_type is DOCX:
            return InspectedFile(DOCX, _bounded(_text_of(root, f"{_W_NS}p", f"{_W_NS}t")))
        parts = []
        if "xl/sharedStrings.xml" in names:
            strings = _parse_xml(_read_member(archive, "xl/sharedStrings.xml", XLSX), XLSX)
            parts = _text_of(strings, f"{_S_NS}si", f"{_S_NS}t")
        return InspectedFile(XLSX, _bounded(parts))


# --- images ------------------------------------------------------------------------------------


def _inspect_image(data: bytes, file_type: FileType) -> InspectedFile:
    from PIL import Image

    with warnings.catch_warnings():
        # Pillow's DecompressionBombWarning: the pixel limit below decides instead.
        warnings.simplefilter("ignore")
        try:
            with Image.open(io.BytesIO(data), formats=[file_type.key.upper()]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _broken(file_type, _("it has too many pixels"))
                image.load()  # decode every pixel: a header followed by garbage fails here
        except BrokenFile:
            raise
        except Exception as error:  # noqa: BLE001 - any decoder failure means "not this image"
            raise _broken(file_type) from error
    return InspectedFile(file_type, "")


# --- the one entry point -----------------------------------------------------------------------


def inspect_file(data: bytes, filename: str = "") -> InspectedFile:
    """Decide what `data` is from its bytes and parse it; raise UnsupportedFile or BrokenFile."""
    claimed = EXTENSIONS.get(extension_of(filename))
    if data.startswith(b"%PDF-"):
        return _inspect_pdf(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _inspect_image(data, PNG)
    if data.startswith(b"\xff\xd8\xff"):
        return _inspect_image(data, JPEG)
    if data.startswith(b"PK\x03\x04"):
        zip_claim = claimed if claimed in (ODT, ODS, DOCX, XLSX) else None
        return _inspect_zip(data, zip_claim)
    if claimed is not None:
        # Named as an allowed type (an HTML page called plan.pdf) but not one by its bytes.
        raise _broken(claimed)
    raise _unsupported()


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


def clean_filename(filename: str, file_type: FileType) -> str:
    """The uploader's file name without folders or unsafe characters, ending as its type does."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" ._") or "file"
    if EXTENSIONS.get(extension_of(name)) is not file_type:
        name = f"{name}.{file_type.extension}"
    if len(name) > 200:
        name = f"{name[:180].rstrip()}.{file_type.extension}"
    return name
