package org.lorapipeline.core.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The first pass over a config file: YAML syntax, the top-level mapping, duplicate keys, unknown keys and
 * alias clashes. Works on snakeyaml's node tree (never constructs Java objects from tags, so no type
 * injection) because only nodes keep the line and column of every key and value.
 */
final class YamlDocument {

    /** One written key: the schema key it names, how it was spelt, where, and its raw value node. */
    record Entry(ConfigKey key, String writtenName, SourcePosition keyPosition, Node value) {
        SourcePosition valuePosition() {
            return SourcePosition.of(value.getStartMark());
        }
    }

    private final Map<ConfigKey, Entry> entries;

    private YamlDocument(Map<ConfigKey, Entry> entries) {
        this.entries = entries;
    }

    Map<ConfigKey, Entry> entries() {
        return entries;
    }

    static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        // We detect duplicates ourselves on the node tree (to name both lines); this guards any other use.
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(1 << 20);
        return options;
    }

    /**
     * Reads {@code text}; adds what is wrong to {@code problems}. Returns the keys that could be read, or null
     * when the text is not a YAML mapping at all (then nothing else is worth checking).
     */
    static YamlDocument read(String text, String source, List<ConfigProblem> problems) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(loaderOptions())).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            problems.add(syntaxProblem(source, e));
            return null;
        } catch (YAMLException e) {
            // Limits from loaderOptions(): too many aliases (a "billion laughs" file), too deep, too long.
            problems.add(new ConfigProblem(source, 0, 0, null, "cannot read the YAML: " + e.getMessage()
                    + "; a run config is a short list of `key: value` lines and needs no anchors or nesting"));
            return null;
        }
        if (root == null) {
            problems.add(new ConfigProblem(source, 0, 0, null,
                    "the file has no settings; start from the template that `lora init llm` or `lora init sd` prints"));
            return null;
        }
        if (!(root instanceof MappingNode mapping)) {
            SourcePosition p = SourcePosition.of(root.getStartMark());
            problems.add(new ConfigProblem(source, p.line(), p.column(), null,
                    "expected `key: value` lines at the top level (like `lora_rank: 8`), found a "
                            + describe(root)));
            return null;
        }
        return new YamlDocument(readMapping(mapping, source, problems));
    }

    private static Map<ConfigKey, Entry> readMapping(MappingNode mapping, String source, List<ConfigProblem> problems) {
        Map<ConfigKey, Entry> entries = new LinkedHashMap<>();
        Map<String, SourcePosition> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            SourcePosition at = SourcePosition.of(keyNode.getStartMark());
            if (keyNode.getTag().equals(Tag.MERGE)) {
                problems.add(at(source, at, "<<", "YAML merge keys are not supported in run configs; write each key out"));
                continue;
            }
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                problems.add(at(source, at, null, "a key must be a plain name such as `lora_rank`, found a "
                        + describe(keyNode)));
                continue;
            }
            String name = scalarKey.getValue();
            SourcePosition first = seen.putIfAbsent(name, at);
            if (first != null) {
                problems.add(at(source, at, name, "duplicate key: `" + name + "` is already set on line "
                        + first.line() + "; keep only one of them"));
                continue;
            }
            ConfigKey key = ConfigKeys.byName(name).orElse(null);
            if (key == null) {
                problems.add(at(source, at, name, unknownKeyMessage(name, tuple.getValueNode())));
                continue;
            }
            Entry earlier = entries.get(key);
            if (earlier != null) {
                problems.add(at(source, at, name, "`" + name + "` and `" + earlier.writtenName() + "` (line "
                        + earlier.keyPosition().line() + ") are two names for the same setting `" + key.name()
                        + "`; keep only one of them"));
                continue;
            }
            entries.put(key, new Entry(key, name, at, tuple.getValueNode()));
        }
        return entries;
    }

    private static String unknownKeyMessage(String name, Node value) {
        StringBuilder sb = new StringBuilder("unknown key");
        Suggestions.closest(name, ConfigKeys.allNames()).ifPresent(s -> sb.append("; did you mean `").append(s)
                .append("`?"));
        if (value instanceof MappingNode) {
            sb.append(" The run config is flat: write keys such as `base_model:` at the top level, not in a section.");
        } else {
            sb.append(" See docs/config.md for every key.");
        }
        return sb.toString();
    }

    private static ConfigProblem syntaxProblem(String source, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        SourcePosition p = SourcePosition.of(mark);
        List<String> parts = new ArrayList<>();
        if (e.getContext() != null) {
            parts.add(e.getContext());
        }
        if (e.getProblem() != null) {
            parts.add(e.getProblem());
        }
        String what = String.join(", ", parts);
        if (what.contains("Global tag is not allowed")) {
            return new ConfigProblem(source, p.line(), p.column(), null,
                    "YAML tags such as !!java.Class are not allowed in a run config; remove the tag");
        }
        String hint = what.contains("TAB")
                ? "; replace the tab with spaces"
                : what.contains("single document") ? "; a run config is one document, remove the extra `---`"
                : "; check the quoting and indentation around this place";
        return new ConfigProblem(source, p.line(), p.column(), null, "YAML syntax error: " + what + hint);
    }

    static String describe(Node node) {
        return switch (node.getNodeId()) {
            case mapping -> "mapping (nested `key: value` lines)";
            case sequence -> "list";
            case scalar -> "single value '" + ((ScalarNode) node).getValue() + "'";
            case anchor -> "YAML anchor";
        };
    }

    static ConfigProblem at(String source, SourcePosition p, String key, String message) {
        return new ConfigProblem(source, p.line(), p.column(), key, message);
    }
}
