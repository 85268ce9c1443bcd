"""Pictures from files, made to look like the pictures a model was trained on.

The course resizes a user's photo to 64x64 and divides by 255 before asking the
network about it. :func:`load_image` does the first half for any file Pillow
reads, whatever its size, format, colour mode or EXIF orientation; the
scaling is left to the model's recorded preprocessing
(:func:`deepcat.data.preprocessing.inputs_from_raw`), so that a picture is scaled exactly
as the training pictures were.

What is read, and what is refused (a :class:`ValueError` naming the file):

- only regular files: a folder, a named pipe or a device (``/dev/zero``) is refused before it
  is opened for reading, so nothing blocks or reads endlessly; an empty file is refused;
- at most :data:`MAX_PIXELS` (64 megapixels, e.g. 8000x8000) per picture, checked from the
  header before anything is decoded; JPEGs are decoded at a reduced scale when they are much
  larger than the size asked for, and every picture is shrunk in steps before the final
  Lanczos filter (Pillow's ``reducing_gap``), so a large photo costs little;
- 8-bit modes (1-bit, grayscale, palette, RGB, CMYK, YCbCr, LAB, HSV, with or without
  alpha) are converted by Pillow; 16-bit grayscale by its 16-bit range (65535 is white);
  32-bit integer TIFFs by the signed 32-bit range (negative values refused); 32-bit float
  pictures as intensities in ``[0, 1]``, or as 8-bit levels when their values exceed 1 but
  stay in ``[0, 255]``; a float picture with values outside ``[0, 255]``, NaN or infinity
  is refused;
- an animated GIF, PNG or WebP, or a multi-page TIFF, is read at its first frame.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from deepcat.core.memory import check_array_fits
from deepcat.data.files import open_regular_file

WHITE = 255
"""Transparent pixels are laid over white: the usual page behind a cut-out picture."""

MODES = {1: "L", 3: "RGB"}
"""Pillow's mode for each supported channel count (grayscale, colour)."""

MAX_PIXELS = 64_000_000
"""The largest picture read, in pixels: above any camera's 61 megapixels of 2024's full-frame
sensors, below Pillow's own decompression-bomb warning (about 89 megapixels)."""

REDUCING_GAP = 3.0
"""Shrink by whole factors (cheap box filter) while the picture stays 3 times the target size;
Pillow documents the result as indistinguishable from one Lanczos pass."""

DECODE_BYTES_PER_PIXEL = 8
"""Memory for one decoded pixel: 4 bytes (RGBA or 32-bit) and one converted copy."""

EIGHT_BIT_MODES = frozenset(
    {"1", "L", "P", "RGB", "RGBA", "RGBX", "RGBa", "CMYK", "YCbCr", "LAB", "HSV", "LA", "PA"}
)
"""Modes whose values Pillow converts to 8-bit RGB or grayscale by their real meaning."""

ORIENTATION = 0x0112
"""The EXIF tag saying how the stored picture must be turned to stand upright."""


def load_image(path, size, channels=3):
    """Read a picture and bring it to the size and channels a model expects.

    Parameters
    ----------
    path : str or Path
        A regular file Pillow reads: JPEG, PNG, GIF, BMP, WebP, TIFF, ...
    size : (int, int)
        ``(height, width)`` of the result, e.g. ``(64, 64)`` for the course's model.
    channels : {3, 1}, default 3
        3 for RGB, 1 for grayscale.

    Returns
    -------
    ndarray of uint8, shape (height, width, channels)
        Upright (the EXIF orientation is applied), transparent areas over white,
        every colour mode converted by its real range (see the module's notes), and
        resized with Lanczos antialiasing. Like the course, the aspect ratio is
        not kept: the whole picture is squeezed to ``size``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is not a regular file, is empty, is larger than :data:`MAX_PIXELS`,
        holds values deepcat cannot map to 8 bits, or is not a picture Pillow can decode
        (a text file, a truncated JPEG, ...), naming the file.
    """
    height, width = _check_size(size)
    if channels not in MODES:
        raise ValueError(f"channels must be 1 (grayscale) or 3 (RGB), got {channels!r}")
    with open_regular_file(path, "picture file") as handle:
        picture = _decode(Path(path), handle, (width, height))
    picture = picture.convert(MODES[channels])
    return np.asarray(picture, dtype=np.uint8).reshape(height, width, channels)


def _decode(path, handle, target):
    """The first frame of the picture in ``handle``, 8-bit and resized to ``target`` (w, h)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # deepcat's own limit, checked next, is below the size at which Pillow warns.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(handle)
    except Image.DecompressionBombError:
        raise ValueError(_too_large(path, None)) from None
    except Exception as error:  # see the note in the second try below
        raise ValueError(f"{path}: not a picture Pillow can read ({_reason(error)})") from None
    with image:
        columns, rows = image.size
        if columns * rows > MAX_PIXELS:
            raise ValueError(_too_large(path, image.size))
        check_array_fits(
            (rows, columns, DECODE_BYTES_PER_PIXEL), np.uint8, f"decoding {path} ({columns}x{rows})"
        )
        try:
            orientation = _orientation(image)
            # The picture is resized before it is turned upright (turning a small picture is
            # cheap), so a quarter turn swaps the stored size it is resized to.
            stored = target[::-1] if orientation in QUARTER_TURN_ORIENTATIONS else target
            if image.format == "JPEG":
                image.draft(image.mode, tuple(int(n * REDUCING_GAP) for n in stored))
            image.load()
            picture = _resized_eight_bit(path, image, stored)
        except ValueError:
            raise
        # Pillow's decoders signal a malformed file with many exception types (OSError for an
        # unknown or truncated file, SyntaxError, struct.error, ...); any of them means the
        # same thing to the user: this file is not a usable picture.
        except Exception as error:
            raise ValueError(f"{path}: not a picture Pillow can read ({_reason(error)})") from None
    turn = _transposes().get(orientation)
    return picture.transpose(turn) if turn is not None else picture


def _resized_eight_bit(path, image, target):
    """8-bit RGB, RGBA-over-white or grayscale, resized to ``target`` (w, h)."""
    from PIL import Image

    if image.mode in EIGHT_BIT_MODES:
        picture = _flatten_transparency(image)
        if picture.mode not in ("L", "RGB"):
            picture = picture.convert("RGB")
        return picture.resize(target, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    levels = WIDE_MODES.get(image.mode)
    if levels is None:
        raise ValueError(
            f"{path}: Pillow reads it in mode {image.mode!r}, which deepcat does not convert "
            "to 8 bits; save it as 8-bit RGB or grayscale"
        )
    full = levels(path, image)
    # Resized in 32-bit floats before the division, so no level is lost to an early rounding.
    small = image.convert("F").resize(target, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    eight_bit = np.clip(np.rint(np.asarray(small) * (255.0 / full)), 0, 255).astype(np.uint8)
    return Image.fromarray(eight_bit, "L")


def _sixteen_bit(path, image):
    """Unsigned 16-bit grayscale: 65535 is white."""
    return 65535.0


def _integer_levels(path, image):
    """Pillow's signed 32-bit grayscale: 16-bit levels (PGM, PPM), or 31 bits in a TIFF of
    32-bit samples (2**31 - 1 is white); negative values are refused."""
    low, high = image.getextrema()
    if low < 0:
        raise ValueError(f"{path}: holds negative pixel values ({low}); pictures start at 0")
    samples = image.tag_v2.get(258) if image.format == "TIFF" else None
    full = 2.0**31 - 1 if samples and samples[0] == 32 else 65535.0
    if high > full:
        raise ValueError(
            f"{path}: holds pixel values up to {high}, above the 16-bit range of its format"
        )
    return full


def _float_levels(path, image):
    """32-bit floats: intensities in [0, 1], or 8-bit levels when above 1 and within 255."""
    values = np.asarray(image)
    if not np.isfinite(values).all():
        raise ValueError(f"{path}: holds NaN or infinite pixel values")
    low, high = float(values.min()), float(values.max())
    if low < 0 or high > 255:
        raise ValueError(
            f"{path}: holds float pixel values from {low:g} to {high:g}; deepcat reads float "
            "pictures as intensities in [0, 1] or as levels in [0, 255]"
        )
    return 1.0 if high <= 1 else 255.0


WIDE_MODES = {
    "I;16": _sixteen_bit,
    "I;16L": _sixteen_bit,
    "I;16B": _sixteen_bit,
    "I;16N": _sixteen_bit,
    "I": _integer_levels,
    "F": _float_levels,
}
"""The level of a full-intensity pixel for each mode wider than 8 bits, checked against the
picture's values (each function raises ValueError for values its range cannot hold)."""


def _too_large(path, size):
    limit = f"deepcat reads pictures of up to {MAX_PIXELS / 1e6:.0f} megapixels"
    if size is None:
        return (
            f"{path}: the picture is too large to open (Pillow refuses it as a decompression "
            f"bomb); {limit}; shrink it first"
        )
    columns, rows = size
    return (
        f"{path}: the picture is {columns}x{rows} pixels ({columns * rows / 1e6:.1f} "
        f"megapixels); {limit}; shrink it first"
    )


def picture_suffixes():
    """The file name endings Pillow reads (``".jpg"``, ``".png"``, ...), in lower case."""
    from PIL import Image

    return frozenset(suffix.lower() for suffix in Image.registered_extensions())


def to_dataset_range(pixels, pixel_max=255, invert=False):
    """Map 8-bit pixels to the value range of a data set's raw pictures.

    Parameters
    ----------
    pixels : ndarray of uint8, shape (height, width, channels)
    pixel_max : float, default 255
        The raw value of a full-intensity pixel in the data set (16 for scikit-learn's
        digits).
    invert : bool, default False
        True when the data set stores ink as high values on a zero background
        (the digits), while a photo of a written digit has dark ink on light paper.

    Returns
    -------
    ndarray, shape (height, width, channels)
        ``pixels`` unchanged (uint8) for 8-bit data sets, else floats in ``[0, pixel_max]``.
    """
    if pixel_max == 255 and not invert:
        return pixels
    values = pixels.astype(np.float64) * (pixel_max / 255.0)
    return pixel_max - values if invert else values


def _reason(error):
    from PIL import UnidentifiedImageError

    if isinstance(error, UnidentifiedImageError):
        return "not an image format it knows"
    return str(error) or type(error).__name__


def _transposes():
    from PIL import Image

    # The EXIF (TIFF 6.0) orientation values 2..8 and the turn that makes each upright.
    return {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }


QUARTER_TURN_ORIENTATIONS = (5, 6, 7, 8)
"""The EXIF orientations whose upright picture has the stored width and height swapped."""


def _orientation(image):
    """The EXIF orientation value (1..8), or None when absent, invalid or unreadable."""
    try:
        value = image.getexif().get(ORIENTATION)
    # A malformed EXIF block only loses the orientation, not the picture.
    except Exception:
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _flatten_transparency(image):
    """Lay a picture with an alpha channel or a transparent palette entry over white."""
    from PIL import Image

    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if not has_alpha:
        return image
    rgba = image.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (WHITE, WHITE, WHITE, 255))
    return Image.alpha_composite(background, rgba)


def _check_size(size):
    try:
        height, width = (int(v) for v in size)
    except (TypeError, ValueError):
        raise TypeError(f"size must be (height, width), got {size!r}") from None
    if height < 1 or width < 1:
        raise ValueError(f"size must be positive (height, width), got {size!r}")
    return height, width
