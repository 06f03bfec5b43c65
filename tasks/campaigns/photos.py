"""Report photos, checked by their content (not their name) with Pillow.

The seed asks for JPG originals of at least 2 MB; PNG is accepted too, up to PHOTO_MAX_BYTES each.
The original is kept byte for byte; a thumbnail (for pages) and a print copy (for the daily
brief) are made once, at upload.
"""

import io
import os
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tasks.campaigns.models import ReportPhoto

PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
PHOTO_MAX_PIXELS = 100_000_000  # a 20 MB JPEG is far below; a decompression bomb is not
THUMBNAIL_SIZE = (320, 320)
END_MARKERS = {"JPEG": b"\xff\xd9", "PNG": b"IEND"}
END_WINDOW = 64 * 1024  # cameras may append data after a JPEG's end marker
PRINT_SIZE = (1200, 1200)


def _derivative(data, size):
    """A smaller JPEG copy, turned upright as the camera recorded it."""
    with Image.open(io.BytesIO(data)) as image:
        if image.format == "JPEG":
            image.draft("RGB", size)  # decode at a fraction of the size: much faster
        copy = ImageOps.exif_transpose(image)
        copy.thumbnail(size)
    if copy.mode in ("RGBA", "LA", "P"):
        rgba = copy.convert("RGBA")
        copy = Image.new("RGB", rgba.size, "white")
        copy.paste(rgba, mask=rgba.split()[-1])
    out = io.BytesIO()
    copy.convert("RGB").save(out, "JPEG", quality=82)
    return out.getvalue()


def photo_check(upload):
    """The format of an uploaded photo, or a ValidationError that names the file."""
    name = upload.name
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; a photo may be at most 20 MB.")
            % {"name": name, "size": upload.size / 1024 / 1024},
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                if image.width * image.height > PHOTO_MAX_PIXELS:
                    raise Image.DecompressionBombError
                image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # verify() does not decode the pixels; a truncated file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” has too many pixels to be a photo.") % {"name": name}, code="too_many_pixels"
        ) from None
    except UnidentifiedImageError:
        raise ValidationError(
            _("“%(name)s” is not a JPG or PNG photo (its content is not an image).") % {"name": name},
            code="not_image",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("“%(name)s” is damaged and cannot be read as an image.") % {"name": name}, code="corrupt"
        ) from None
    if image_format in END_MARKERS:
        # WeasyPrint turns Pillow's ImageFile.LOAD_TRUNCATED_IMAGES on for the whole process, so
        # load() accepts a cut-off file: look for the format's end marker instead
        upload.seek(max(upload.size - END_WINDOW, 0))
        if END_MARKERS[image_format] not in upload.read():
            raise ValidationError(
                _("“%(name)s” is damaged and cannot be read as an image.") % {"name": name}, code="corrupt"
            )
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("“%(name)s” is a %(format)s image; upload JPG or PNG photos.")
            % {"name": name, "format": image_format},
            code="format",
        )
    upload.seek(0)
    return image_format


def photo_store(*, upload, user, department):
    """Check and keep one uploaded photo (waiting for its report). Raises ValidationError."""
    image_format = photo_check(upload)
    data = upload.read()
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    thumbnail = _derivative(data, THUMBNAIL_SIZE)
    print_copy = _derivative(data, PRINT_SIZE)
    stem = secrets.token_hex(8)
    photo = ReportPhoto(
        department=department,
        uploaded_by=user,
        original_name=os.path.basename(upload.name)[:200],
        size=len(data),
        width=width,
        height=height,
        image_format=image_format,
    )
    photo.original.save(f"{stem}.{PHOTO_FORMATS[image_format]}", ContentFile(data), save=False)
    photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumbnail), save=False)
    photo.print_copy.save(f"{stem}-print.jpg", ContentFile(print_copy), save=False)
    photo.save()
    return photo
