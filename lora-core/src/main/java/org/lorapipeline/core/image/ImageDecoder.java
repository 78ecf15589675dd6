package org.lorapipeline.core.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, WebP (TwelveMonkeys) and BMP from bytes. The size is read from the header first and images
 * over the pixel limit are refused before any pixel buffer is allocated, so a 100-byte "decompression bomb" that
 * claims 50000x50000 pixels costs nothing. Truncation is detected from exceptions and from the JPEG reader's
 * warnings, because the JDK JPEG reader fills a cut-off image with grey and only warns.
 */
public final class ImageDecoder {
    private static final byte[] IEND = "IEND".getBytes(StandardCharsets.US_ASCII);

    static {
        // Service-loaded readers (WebP) are found on the application class path only after a scan in some
        // class-loader set-ups (servlet containers, shaded jars); scanning once is cheap.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {
    }

    /** Format and size from the header only. */
    public static ImageHeader readHeader(byte[] bytes) throws ImageDecodeException {
        ImageReader reader = openReader(bytes);
        try {
            return header(reader);
        } finally {
            reader.dispose();
        }
    }

    /** Header check against {@code maxPixels}, then a full decode. */
    public static DecodedImage decode(byte[] bytes, long maxPixels) throws ImageDecodeException {
        ImageReader reader = openReader(bytes);
        try {
            ImageHeader header = header(reader);
            if (header.pixels() > maxPixels) {
                throw new ImageDecodeException(ImageDecodeException.Reason.TOO_MANY_PIXELS,
                        header.format() + " header announces " + header.width() + "x" + header.height() + " = "
                                + header.pixels() + " pixels, over the limit of " + maxPixels
                                + "; downscale the image or raise max_pixels if it is genuine", null);
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image = read(reader, header);
            for (String warning : warnings) {
                if (looksTruncated(warning)) {
                    throw truncated(header, warning, null);
                }
            }
            if (header.format().equals("png") && !endsWithIend(bytes)) {
                warnings.add("PNG has no IEND chunk at its end: the file was cut off after the image data "
                        + "or has trailing bytes; re-export it");
            }
            return new DecodedImage(header, image, warnings);
        } finally {
            reader.dispose();
        }
    }

    private static BufferedImage read(ImageReader reader, ImageHeader header) throws ImageDecodeException {
        try {
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            if (image == null) {
                throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT,
                        header.format() + " decoder returned no image; re-export the file", null);
            }
            return image;
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders signal bad data with anything from IIOException to ArrayIndexOutOfBounds.
            String message = String.valueOf(e.getMessage());
            if (looksTruncated(message) || causedByEof(e)) {
                throw truncated(header, message, e);
            }
            throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT,
                    header.format() + " data is corrupt (" + e.getClass().getSimpleName() + ": " + message
                            + "); re-export or remove the image", e);
        }
    }

    private static ImageReader openReader(byte[] bytes) throws ImageDecodeException {
        try {
            ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(ImageDecodeException.Reason.UNSUPPORTED_FORMAT,
                        "not a PNG, JPEG, WebP or BMP image (first bytes " + firstBytes(bytes)
                                + "); convert it to PNG or JPEG", null);
            }
            ImageReader reader = readers.next();
            reader.setInput(in, true, true);
            return reader;
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT,
                    "cannot open image stream: " + e.getMessage(), e);
        }
    }

    private static ImageHeader header(ImageReader reader) throws ImageDecodeException {
        String format;
        try {
            format = reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            format = "image";
        }
        try {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width < 1 || height < 1) {
                throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT,
                        format + " header gives a size of " + width + "x" + height + "; the file is damaged", null);
            }
            return new ImageHeader(format, width, height);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (causedByEof(e)) {
                throw new ImageDecodeException(ImageDecodeException.Reason.TRUNCATED,
                        format + " file ends inside its header; the upload was cut off, upload it again", e);
            }
            throw new ImageDecodeException(ImageDecodeException.Reason.CORRUPT,
                    format + " header is unreadable (" + e.getMessage() + "); re-export or remove the image", e);
        }
    }

    private static ImageDecodeException truncated(ImageHeader header, String detail, Throwable cause) {
        return new ImageDecodeException(ImageDecodeException.Reason.TRUNCATED,
                header.format() + " " + header.width() + "x" + header.height()
                        + " ends before its image data does (" + detail + "); the file was cut off, upload it again",
                cause);
    }

    private static boolean causedByEof(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    private static boolean looksTruncated(String message) {
        String m = String.valueOf(message).toLowerCase(Locale.ROOT);
        return m.contains("premature end") || m.contains("unexpected end") || m.contains("eof")
                || m.contains("end of stream") || m.contains("end of file") || m.contains("truncated");
    }

    /** IEND is the last PNG chunk: 4 length bytes, "IEND", 4 CRC bytes. */
    private static boolean endsWithIend(byte[] bytes) {
        if (bytes.length < 12) {
            return false;
        }
        for (int i = 0; i < IEND.length; i++) {
            if (bytes[bytes.length - 8 + i] != IEND[i]) {
                return false;
            }
        }
        return true;
    }

    private static String firstBytes(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length == 0 ? "none, the file is empty" : hex.toString();
    }
}
