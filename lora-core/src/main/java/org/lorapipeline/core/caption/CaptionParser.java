package org.lorapipeline.core.caption;

import java.util.ArrayList;
import java.util.List;

/**
 * Single-pass scanner for the {@code **core**}/{@code *mood*} markup. Markers must wrap whole tags (a group starts
 * at a tag boundary and is followed by a comma or the end), groups do not nest, and a group holds at least one tag.
 */
final class CaptionParser {
    private final String text;
    private final List<TagGroup> groups = new ArrayList<>();
    private final List<String> pendingPlain = new ArrayList<>();
    private int pos;

    private CaptionParser(String text) {
        this.text = text;
    }

    static List<TagGroup> parse(String text) {
        CaptionParser parser = new CaptionParser(text);
        parser.run();
        return parser.groups;
    }

    private void run() {
        while (true) {
            skipSpaces();
            if (pos >= text.length()) {
                break;
            }
            char c = text.charAt(pos);
            if (c == ',') {
                pos++; // an empty tag between two commas carries nothing; drop it
            } else if (c == '*') {
                markedGroup();
            } else {
                plainTag();
            }
        }
        flushPlain();
    }

    private void markedGroup() {
        int open = pos;
        boolean core = text.startsWith("**", pos);
        if (text.startsWith("***", pos)) {
            throw error(open, "'***' opens a core and a mood group at once; groups cannot be nested, "
                    + "use either **core tags** or *mood tags*");
        }
        pos += core ? 2 : 1;
        int close = findClose(open, core);
        List<String> tags = splitTags(text.substring(pos, close));
        String marker = core ? "**" : "*";
        if (tags.isEmpty()) {
            throw error(open, "empty " + marker + marker + " group; put tags between the markers or remove them");
        }
        flushPlain();
        groups.add(new TagGroup(core ? TagKind.CORE : TagKind.MOOD, tags));
        pos = close + marker.length();
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) != ',') {
            throw error(pos, "text after the closing '" + marker + "' must be separated by a comma, "
                    + "e.g. '" + marker + "tag" + marker + ", next tag'");
        }
    }

    /** Index of the closing marker of a group opened at {@code open}, rejecting nested or missing markers. */
    private int findClose(int open, boolean core) {
        for (int i = pos; i < text.length(); i++) {
            if (text.charAt(i) != '*') {
                continue;
            }
            boolean doubled = i + 1 < text.length() && text.charAt(i + 1) == '*';
            if (core && doubled) {
                return i;
            }
            if (!core && !doubled) {
                return i;
            }
            String inner = core ? "a '*' mood marker" : "a '**' core marker";
            String outer = core ? "**core**" : "*mood*";
            throw error(i, inner + " inside the " + outer + " group opened at column " + (open + 1)
                    + "; groups cannot be nested, close the first group before opening the next");
        }
        String marker = core ? "**" : "*";
        throw error(open, "'" + marker + "' is never closed; add a closing '" + marker + "' after the last "
                + (core ? "core" : "mood") + " tag or remove the marker");
    }

    private void plainTag() {
        int start = pos;
        int end = text.indexOf(',', pos);
        if (end < 0) {
            end = text.length();
        }
        int star = text.indexOf('*', start);
        if (star >= 0 && star < end) {
            throw error(star, "'*' inside the tag '" + text.substring(start, end).strip()
                    + "'; markers must wrap whole tags, e.g. '**tag one, tag two**, other tag'");
        }
        String tag = text.substring(start, end).strip();
        if (!tag.isEmpty()) {
            pendingPlain.add(tag);
        }
        pos = end;
    }

    private void flushPlain() {
        if (!pendingPlain.isEmpty()) {
            groups.add(new TagGroup(TagKind.PLAIN, pendingPlain));
            pendingPlain.clear();
        }
    }

    private static List<String> splitTags(String inner) {
        List<String> tags = new ArrayList<>();
        for (String part : inner.split(",", -1)) {
            if (!part.isBlank()) {
                tags.add(part.strip());
            }
        }
        return tags;
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private static CaptionSyntaxException error(int index, String reason) {
        return new CaptionSyntaxException(index + 1, reason);
    }
}
