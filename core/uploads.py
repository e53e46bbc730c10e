"""File uploads: streamed to a temporary file while hashed, checked by content.

`HashingUploadHandler` is the only upload handler (settings.FILE_UPLOAD_HANDLERS):
uploads never sit whole in memory, their SHA-256 and size are computed on the
way in, and anything beyond the 50 MB limit is dropped as it arrives.
"""

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from .errors import DomainError

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_NAME_LENGTH = 150

# Extension → what the content must look like (filetype's names, or our own checks).
ALLOWED_TYPES = {
    "pdf": {"pdf"},
    "doc": {"ole"},
    "xls": {"ole"},
    "docx": {"zip"},
    "xlsx": {"zip"},
    "odt": {"zip"},
    "rtf": {"rtf"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
    "tif": {"tif"},
    "tiff": {"tif"},
    "zip": {"zip"},
    "7z": {"7z"},
    "sig": {"cms"},
}
ALLOWED_LABEL = "PDF, DOC, DOCX, XLS, XLSX, ODT, RTF, JPG, PNG, TIFF, ZIP, 7Z, SIG"
ZIP_BASED = {"zip", "docx", "xlsx", "odt", "pptx", "ods", "odp", "epub", "jar"}


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Writes each upload to a temporary file, computing SHA-256 and size on the way;
    a file past the limit is marked `too_large` and its remaining bytes dropped."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.hasher = hashlib.sha256()
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > getattr(settings, "MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES):
            self.too_large = True
            return None
        self.hasher.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self.hasher.hexdigest()
        uploaded.too_large = self.too_large
        return uploaded


def safe_file_name(name: str) -> str:
    """Keep a readable (Cyrillic included) name, drop path parts and control
    characters, and bound its length while keeping the extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return "файл"
    path = PurePosixPath(name)
    suffix = path.suffix[:16] if len(path.suffix) <= 16 else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    return stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix


def storage_name(name: str) -> str:
    """The name inside the storage key: the readable name while it fits every file
    system (255 bytes) with room to spare, else a neutral one with the extension."""
    if len(name.encode("utf-8")) <= 120:
        return name
    ext = extension_of(name)
    return f"file.{ext}" if ext else "file"


def extension_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def detect_kind(head: bytes) -> str | None:
    """What the first bytes say the file is, in ALLOWED_TYPES' vocabulary."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _looks_like_cms(head):
        return "cms"
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.extension in ZIP_BASED:
        return "zip"
    return kind.extension


def _looks_like_cms(head: bytes) -> bool:
    """A detached signature: DER (SEQUENCE) or PEM/base64 text of a CMS SignedData."""
    if head[:1] == b"\x30" and head[1:2] in (b"\x80", b"\x81", b"\x82", b"\x83", b"\x84"):
        return True
    text = head.lstrip()
    return text.startswith(b"-----BEGIN") or text.startswith(b"MI")


def check_upload(uploaded) -> str:
    """Refuse what a grid company cannot accept. Returns the extension."""
    if uploaded is None:
        raise DomainError("Прикрепите файл.", field="file")
    limit = getattr(settings, "MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    if getattr(uploaded, "too_large", False) or uploaded.size > limit:
        raise DomainError("Файл больше 50 MB. Максимальный размер файла 50 MB.", field="file")
    if uploaded.size == 0:
        raise DomainError("Файл пустой.", field="file")
    ext = extension_of(uploaded.name)
    if ext not in ALLOWED_TYPES:
        raise DomainError(f"Недопустимый тип файла. Разрешены: {ALLOWED_LABEL}.", field="file")
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    if detect_kind(head) not in ALLOWED_TYPES[ext]:
        raise DomainError(
            f"Содержимое файла не соответствует расширению .{ext}. "
            "Проверьте, что прикреплён нужный файл.",
            field="file",
        )
    return ext


def sha256_of(uploaded) -> str:
    """The digest computed on the way in, or (for files from elsewhere) computed now."""
    digest = getattr(uploaded, "sha256", None)
    if digest:
        return digest
    hasher = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        hasher.update(chunk)
    uploaded.seek(0)
    return hasher.hexdigest()
