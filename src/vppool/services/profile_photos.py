"""A VP's optional photo on their public profile: taken, re-encoded, kept, removed, shown.

An upload (JPEG, PNG or WebP, at most :data:`MAX_UPLOAD_BYTES`) is read by Pillow and saved
again as a JPEG of at most :data:`SIZE` pixels a side. Only the pixels are kept: the
original file, its EXIF block (camera, time, GPS position) and any other metadata are
dropped, so a photo taken at home does not say where that is. Anything Pillow cannot read,
an image larger than Pillow's pixel limit (a "decompression bomb") and an empty file are
refused and nothing is stored. The bytes live in the database (``public_profile.photo``).

The photo is shown only where the profile may be seen (the employees' page behind its
token, the client's shortlist cards, the VP's own page), inlined as a ``data:`` URL so
those pages need no second, separately authorised request and set no cookie.
"""

from __future__ import annotations

import base64
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session, select

from vppool.db.models import PublicProfile, TrustPerson
from vppool.db.types import utc_now
from vppool.errors import ValidationFailed
from vppool.services import audit
from vppool.services._common import ensure_own_trust_person, flush, get_or_404
from vppool.services.access import Viewer

__all__ = [
    "MAX_UPLOAD_BYTES",
    "SIZE",
    "UPLOAD_BODY_LIMIT",
    "OwnPhoto",
    "data_url",
    "photo_of",
    "reencode",
    "remove_photo",
    "set_photo",
]

#: The largest photo file taken (5 MB).
MAX_UPLOAD_BYTES = 5_000_000
#: The body an upload route takes: room above the limit, so a larger file is refused
#: with the limit in the person's words instead of a bare 413.
UPLOAD_BODY_LIMIT = 20 * 1024 * 1024
#: The stored photo's largest width and height, in pixels.
SIZE = 400
#: The file types taken (Pillow's names).
FORMATS = ("JPEG", "PNG", "WEBP")
_SUBJECT = "photo"


def _refuse(message: str, **params: object) -> ValidationFailed:
    return ValidationFailed.single("photo", message, subject=_SUBJECT, **params)


def reencode(content: bytes) -> bytes:
    """The upload as a JPEG of at most :data:`SIZE` x :data:`SIZE`, without any metadata.

    Raises:
        ValidationFailed: ``photo`` says why the file is refused (empty, too large, not a
            JPEG/PNG/WebP image, or more pixels than Pillow's limit).
    """
    if not content:
        raise _refuse("the file is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise _refuse(
            "the photo is larger than the limit of {megabytes} MB",
            megabytes=MAX_UPLOAD_BYTES // 1_000_000,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=FORMATS) as image:
                image.draft("RGB", (SIZE * 2, SIZE * 2))  # JPEG: decode at a smaller scale
                image.load()
                upright = ImageOps.exif_transpose(image)  # the camera's turn, then no EXIF
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse("the image has too many pixels; use a smaller photo") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _refuse("the file is not a photo that can be read; use a JPEG, PNG or WebP") from exc
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        upright = upright.convert("RGBA")
        flat = Image.new("RGB", upright.size, "white")
        flat.paste(upright, mask=upright.getchannel("A"))
        upright = flat
    else:
        upright = upright.convert("RGB")
    upright.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def data_url(photo: bytes | None) -> str | None:
    """The stored photo as a ``data:`` URL for an ``<img>`` (``None`` without a photo)."""
    if not photo:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii")


@dataclass(frozen=True, slots=True)
class OwnPhoto:
    """The VP's photo on their own page: their name (the image's alt text) and the photo."""

    name: str
    url: str | None


def _person_and_profile(
    session: Session, viewer: Viewer, trust_person_id: int
) -> tuple[TrustPerson, PublicProfile | None]:
    ensure_own_trust_person(viewer, trust_person_id)
    person = get_or_404(session, TrustPerson, trust_person_id, "trust person")
    profile = session.exec(
        select(PublicProfile).where(PublicProfile.trust_person_id == trust_person_id)
    ).first()
    return person, profile


def _profile(session: Session, viewer: Viewer, trust_person_id: int) -> PublicProfile | None:
    return _person_and_profile(session, viewer, trust_person_id)[1]


def photo_of(session: Session, viewer: Viewer, trust_person_id: int) -> OwnPhoto:
    """The VP's photo as a ``data:`` URL (the VP themselves and planners).

    Raises:
        NotFound: the VP is outside the viewer's scope.
    """
    person, profile = _person_and_profile(session, viewer, trust_person_id)
    name = f"{person.first_name} {person.last_name}"
    return OwnPhoto(name, data_url(profile.photo if profile else None))


def set_photo(session: Session, viewer: Viewer, trust_person_id: int, content: bytes) -> None:
    """Take ``content`` as the VP's photo, replacing any earlier one.

    Raises:
        NotFound: the VP is outside the viewer's scope.
        ValidationFailed: the file is refused (see :func:`reencode`); nothing is stored.
    """
    profile = _profile(session, viewer, trust_person_id) or PublicProfile(
        trust_person_id=trust_person_id
    )
    photo = reencode(content)
    _keep(session, viewer, profile, photo, "photo_changed")


def remove_photo(session: Session, viewer: Viewer, trust_person_id: int) -> bool:
    """Remove the VP's photo; ``False`` when there was none.

    Raises:
        NotFound: the VP is outside the viewer's scope.
    """
    profile = _profile(session, viewer, trust_person_id)
    if profile is None or profile.photo is None:
        return False
    _keep(session, viewer, profile, None, "photo_removed")
    return True


def _keep(
    session: Session, viewer: Viewer, profile: PublicProfile, photo: bytes | None, verb: str
) -> None:
    profile.photo, profile.updated_at = photo, utc_now()
    profile.photo_version += 1
    session.add(profile)
    flush(session, race="the profile was changed at the same time; try again")
    details = {"version": profile.photo_version, "bytes": len(photo or b"")}
    audit.record_event(
        session, viewer.actor, ("trust_person", profile.trust_person_id), verb, details
    )
