"""Files the bot sends through the fake: uploads kept byte for byte, file_ids reusable.

Tests assert on what a person would receive (the exact bytes of a report or a chart), so uploads
are stored whole. sendPhoto checks that the bytes are an image, as Telegram does, when Pillow is
available (it comes with fpdf2, a dependency of the project).
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
from typing import Any

from .telegram_model import StoredFile, TelegramState
from .telegram_params import Params, Upload, bad_request

try:  # Pillow is optional for the fake: without it, photos are not checked nor measured.
    from PIL import Image
except ImportError:  # pragma: no cover - depends on the environment
    Image = None  # type: ignore[assignment]


def _image_size(data: bytes) -> tuple[int, int] | None:
    if Image is None:
        return (0, 0)
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # any decoding failure means "not an image" to Telegram
        return None


def take_file(state: TelegramState, p: Params, kind: str) -> StoredFile:
    """Resolve the `photo`/`document` parameter: an upload, a known file_id, or a URL."""
    value = p.file(kind)
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, Upload):
        return _store_upload(state, value, kind)
    if value.startswith(("http://", "https://")):
        # The fake does not fetch URLs (no network): it records the reference only.
        n = state.next_id()
        stored = StoredFile(
            file_id=f"fake-{kind}-{n}",
            file_unique_id=hashlib.sha1(value.encode()).hexdigest()[:16],
            kind="photo" if kind == "photo" else "document",
            data=b"",
            filename=value.rsplit("/", 1)[-1] or None,
            mime_type=mimetypes.guess_type(value)[0],
            source="url",
        )
        state.files[stored.file_id] = stored
        return stored
    known = state.files.get(value)
    if known is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return known


def _store_upload(state: TelegramState, upload: Upload, kind: str) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if kind == "photo" and _image_size(upload.data) is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    n = state.next_id()
    mime = upload.content_type
    if not mime or mime == "application/octet-stream":
        mime = mimetypes.guess_type(upload.filename or "")[0] or mime
    suffix = mimetypes.guess_extension(mime or "") or ""
    folder = "photos" if kind == "photo" else "documents"
    stored = StoredFile(
        file_id=f"fake-{kind}-{n}",
        file_unique_id=hashlib.sha1(upload.data).hexdigest()[:16],
        kind="photo" if kind == "photo" else "document",
        data=upload.data,
        filename=upload.filename,
        mime_type=mime,
        path=f"{folder}/file_{n}{suffix}",
    )
    state.files[stored.file_id] = stored
    return stored


def file_api(stored: StoredFile) -> dict[str, Any]:
    """The File object (getFile) without its path."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }


def message_file_api(stored: StoredFile) -> Any:
    """What a Message carries: a list of PhotoSize for a photo, a Document otherwise."""
    if stored.kind == "photo":
        width, height = _image_size(stored.data) or (0, 0)
        return [{**file_api(stored), "width": width, "height": height}]
    document = file_api(stored)
    if stored.filename:
        document["file_name"] = stored.filename
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document
