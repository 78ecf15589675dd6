package org.lorapipeline.core.dataset;

import java.util.List;

/**
 * One CSV record.
 *
 * @param line    1-based line the record starts on
 * @param fields  unquoted field values
 * @param columns 1-based column where each field's text starts (after an opening quote)
 * @param warning set when the last field was taken verbatim because its quoting was not RFC 4180, else null
 * @param error   set when the record could not be read (fields then hold what was read before), else null
 */
public record CsvRecord(int line, List<String> fields, List<Integer> columns, String warning, String error) {
    public CsvRecord {
        fields = List.copyOf(fields);
        columns = List.copyOf(columns);
        if (fields.size() != columns.size()) {
            throw new IllegalArgumentException("fields and columns differ in size on line " + line);
        }
    }
}
