"""Pictures from files, made to look like the pictures a model was trained on.

The course resizes a user's photo to 64x64 and divides by 255 before asking the
network about it. :func:`load_image` does the first half for any file Pillow
reads, whatever its size, format, colour mode or EXIF orientation; the
scaling is left to the model's recorded preprocessing
(:func:`deepcat.data.preprocessing.inputs_from_raw`), so that a picture is scaled exactly
as the training pictures were.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

WHITE = 255
"""Transparent pixels are laid over white: the usual page behind a cut-out picture."""

MODES = {1: "L", 3: "RGB"}
"""Pillow's mode for each supported channel count (grayscale, colour)."""


def load_image(path, size, channels=3):
    """Read a picture and bring it to the size and channels a model expects.

    Parameters
    ----------
    path : str or Path
        Any file Pillow reads: JPEG, PNG, GIF, BMP, WebP, TIFF, ...
    size : (int, int)
        ``(height, width)`` of the result, e.g. ``(64, 64)`` for the course's model.
    channels : {3, 1}, default 3
        3 for RGB, 1 for grayscale.

    Returns
    -------
    ndarray of uint8, shape (height, width, channels)
        Upright (the EXIF orientation is applied), transparent areas over white,
        palette and grayscale pictures converted to the requested channels, and
        resized with Lanczos antialiasing. Like the course, the aspect ratio is
        not kept: the whole picture is squeezed to ``size``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a picture Pillow can decode (a text file, a truncated
        JPEG, ...), naming the file.
    """
    from PIL import Image

    path = Path(path)
    height, width = _check_size(size)
    if channels not in MODES:
        raise ValueError(f"channels must be 1 (grayscale) or 3 (RGB), got {channels!r}")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with Image.open(path) as image:
            image.load()
            picture = _upright(image)
            picture = _flatten_transparency(picture).convert(MODES[channels])
            picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    # Pillow's decoders signal a malformed file with many exception types (OSError for an
    # unknown or truncated file, SyntaxError, struct.error, DecompressionBombError, ...);
    # any of them means the same thing to the user: this file is not a usable picture.
    except Exception as error:
        raise ValueError(f"{path}: not a picture Pillow can read ({_reason(error)})") from None
    return np.asarray(picture, dtype=np.uint8).reshape(height, width, channels)


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


def _upright(image):
    from PIL import ImageOps

    # exif_transpose returns None only with in_place=True; a copy keeps the file handle free.
    return ImageOps.exif_transpose(image)


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
