package org.lorapipeline.core.dataset;

/**
 * What a layout reader found for one image, before the image itself is checked.
 *
 * @param image       root-relative image path
 * @param caption     caption text as written (stripped), null when there is none
 * @param captionFile root-relative file the caption was read from ("" when none)
 * @param line        1-based line of the caption in that file, 0 when none
 * @param column      1-based column of the caption's first character, 0 when unknown (JSON strings)
 */
record CaptionEntry(String image, String caption, CaptionSource source, String captionFile, int line, int column,
                    int repeats) {
    static CaptionEntry uncaptioned(String image, int repeats) {
        return new CaptionEntry(image, null, CaptionSource.NONE, "", 0, 0, repeats);
    }
}
