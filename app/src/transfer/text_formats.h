// The small text encodings export writes and import undoes: CSV cells (RFC
// 4180 quoting plus the formula-injection apostrophe), JSON strings, and
// vCard 4.0 values and lines (RFC 6350 escaping and 75-octet folding).
//
// Pure functions over strings; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace rapport::app::transfer {

// Whether a spreadsheet would run a cell with this text as a formula: it
// starts with '=', '+', '-', '@', a tab or a carriage return.
bool LooksLikeFormula(std::string_view text);

// Appends `value` as one CSV cell: an apostrophe in front of a formula-like
// value; quoted (quotes doubled) when it holds the delimiter, a quote, a line
// break, or starts or ends with a space.
void AppendCsvCell(std::string& out, std::string_view value, char delimiter = ',');

// The importer's inverse of the apostrophe: "'=1+2" → "=1+2". Other values,
// including a lone apostrophe or one before ordinary text, are unchanged.
std::string_view RemoveFormulaApostrophe(std::string_view cell);

// Appends `value` as a JSON string literal, quotes included (control
// characters as \uXXXX, '"' and '\' escaped; UTF-8 passes through).
void AppendJsonString(std::string& out, std::string_view value);

// A vCard text value: '\' ',' ';' escaped with a backslash, line breaks as \n.
std::string VcardEscape(std::string_view value);

// Appends one content line ("FN:Anna") folded at 75 octets (continuation
// lines start with one space; a UTF-8 sequence is never split), ended by CRLF.
void AppendVcardLine(std::string& out, std::string_view line);

}  // namespace rapport::app::transfer
