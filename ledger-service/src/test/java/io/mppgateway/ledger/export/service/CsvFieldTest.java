package io.mppgateway.ledger.export.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CsvFieldTest {
    @Test
    void fieldsAreQuotedOnlyWhenNeededAndFormulasAreDefused() {
        assertEquals("", CsvExportService.field(null));
        assertEquals("12345", CsvExportService.field(12_345L));
        assertEquals("-5", CsvExportService.field(-5L));
        assertEquals("mistral", CsvExportService.field("mistral"));
        assertEquals("\"a,b\"", CsvExportService.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CsvExportService.field("say \"hi\""));
        assertEquals("\"two\nlines\"", CsvExportService.field("two\nlines"));
        assertEquals("'=HYPERLINK(1)", CsvExportService.field("=HYPERLINK(1)"));
        assertEquals("'@SUM(A1)", CsvExportService.field("@SUM(A1)"));
        // base64url challenge ids may start with '-': kept exact
        assertEquals("-abc_DEF", CsvExportService.field("-abc_DEF"));
    }
}
