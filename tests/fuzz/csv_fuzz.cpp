// Bytes of a CSV file: the encoding detection and decoding, the text helpers the importers use
// on every cell, and the CSV reader. What comes out is UTF-8 whatever went in, cuts never split
// a character, and every record has as many fields as the header.

#include "fuzz.hpp"

#include "importers/csv.hpp"
#include "importers/text.hpp"

#include <cmath>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace impetus::importers;
    const std::string_view bytes = impetus::fuzz::bytes_of(data, size);

    const DecodedText decoded = decode_text(bytes);
    IMPETUS_FUZZ_CHECK(is_valid_utf8(decoded.text));
    IMPETUS_FUZZ_CHECK(decoded.encoding == "utf-8" || decoded.encoding == "utf-8-bom" ||
                       decoded.encoding == "windows-1252");
    if (decoded.encoding == "utf-8") IMPETUS_FUZZ_CHECK(decoded.text == bytes);
    IMPETUS_FUZZ_CHECK(is_valid_utf8(cp1252_to_utf8(bytes)));

    const std::string& text = decoded.text;
    IMPETUS_FUZZ_CHECK(is_valid_utf8(trim(text)));
    IMPETUS_FUZZ_CHECK(is_valid_utf8(collapse_whitespace(text)));
    IMPETUS_FUZZ_CHECK(is_valid_utf8(normalise_newlines(text)));
    IMPETUS_FUZZ_CHECK(is_valid_utf8(slugify(text)));
    file_stem(text);
    for (std::size_t max : {std::size_t{0}, std::size_t{1}, text.size() / 2, text.size()}) {
        const std::string cut = truncate_utf8(text, max);
        IMPETUS_FUZZ_CHECK(cut.size() <= max);
        IMPETUS_FUZZ_CHECK(is_valid_utf8(cut));
    }

    const CsvTable table = read_csv(text);
    std::size_t line = 0;
    for (const auto& record : table.records) {
        IMPETUS_FUZZ_CHECK(record.fields.size() == table.header.fields.size());
        IMPETUS_FUZZ_CHECK(record.line > line);
        line = record.line;
        for (const auto& field : record.fields) {
            IMPETUS_FUZZ_CHECK(is_valid_utf8(field));
            if (auto v = parse_number(field)) IMPETUS_FUZZ_CHECK(std::isfinite(*v));
        }
    }
    return 0;
}
