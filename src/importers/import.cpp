#include "importers/import.hpp"

#include "importers/parsers.hpp"
#include "importers/text.hpp"

#include <algorithm>
#include <map>

namespace impetus::importers {

using nlohmann::json;

namespace {

json rows_json(const std::vector<RejectedRow>& rows) {
    json out = json::array();
    for (const auto& r : rows) {
        out.push_back({{"line", r.line}, {"reference", r.reference}, {"reason", r.reason}});
    }
    return out;
}

// The first line of the text, for format detection.
std::string_view first_line(std::string_view text) {
    auto end = text.find_first_of("\r\n");
    return end == std::string_view::npos ? text : text.substr(0, end);
}

// Header text reduced for matching: lower case, without spaces, underscores and quotes, so that
// "Site Reference" and "SiteReference" look alike.
std::string squeezed(std::string_view s) {
    std::string out;
    for (char c : lower_ascii(s)) {
        if (c != ' ' && c != '"') {
            out += c;
        }
    }
    return out;
}

const std::string k_formats_hint =
    "import a GeoJSON FeatureCollection (RFC 7946), an England brownfield land register CSV "
    "(with a SiteReference column) or a French CNIG friches CSV (with a site_numero column)";

// Rejects records whose references point outside the workspace, and geometries larger than the
// workspace takes, before anything is written: the store would otherwise refuse the whole batch
// for one bad row.
void check_records(Store& store, Id workspace_id, ParsedFile& parsed) {
    std::map<Id, bool> organisations;
    std::map<Id, bool> spaces;
    std::vector<ImportRecord> kept;
    const auto workspace = store.workspace_by_id(workspace_id);
    const GeometryLimits limits = workspace ? workspace->geometry_limits : GeometryLimits{};
    kept.reserve(parsed.records.size());
    for (auto& r : parsed.records) {
        std::string problem;
        if (auto why = geometry_too_large(r.fields.geometry, limits); !why.empty()) {
            problem = "the geometry " + why;
        }
        if (auto id = r.fields.owner_organisation_id) {
            auto [it, fresh] = organisations.try_emplace(*id, false);
            if (fresh) {
                it->second = store.organisation(workspace_id, *id).has_value();
            }
            if (!it->second) {
                problem = "owner_organisation_id " + std::to_string(*id) +
                          " is not an organisation of this workspace";
            }
        }
        if (auto id = r.fields.parent_id; id && problem.empty()) {
            auto [it, fresh] = spaces.try_emplace(*id, false);
            if (fresh) {
                it->second = store.space(workspace_id, *id).has_value();
            }
            if (!it->second) {
                problem = "parent_id " + std::to_string(*id) + " is not a space of this workspace";
            }
        }
        if (problem.empty()) {
            kept.push_back(std::move(r));
        } else {
            parsed.rejected.push_back({r.line, r.fields.source_id, problem});
        }
    }
    parsed.records = std::move(kept);
}

} // namespace

namespace detail {

std::string reason_from(const Error& e) {
    if (e.fields().empty()) {
        return e.what();
    }
    std::string out;
    for (const auto& f : e.fields()) {
        if (!out.empty()) {
            out += "; ";
        }
        std::string_view field = f.field;
        if (!field.empty() && field.front() == '/') {
            field.remove_prefix(1);
        }
        if (!field.empty()) {
            out += field;
            out += ' ';
        }
        out += f.message;
    }
    return out;
}

std::string stem_or_default(const ImportOptions& options) {
    auto stem = file_stem(options.file_name);
    return stem.empty() ? std::string("import") : stem;
}

std::string source_name(std::string_view format, std::string_view name) {
    const std::string prefix = std::string(format) + ":";
    return prefix + truncate_utf8(name, k_max_source - prefix.size());
}

} // namespace detail

json to_json(const ImportReport& r) {
    return json{{"format", std::string(enum_name(r.format))},
                {"source", r.source},
                {"encoding", r.encoding},
                {"file_name", r.file_name},
                {"dry_run", r.dry_run},
                {"rows", r.rows},
                {"created", r.created},
                {"updated", r.updated},
                {"unchanged", r.unchanged},
                {"rejected", rows_json(r.rejected)},
                {"warnings", rows_json(r.warnings)},
                {"ended", r.ended}};
}

ImportFormat detect_format(std::string_view content) {
    // The first bytes are enough; a sequence cut at the end only changes the guessed encoding.
    const auto decoded =
        decode_text(content.substr(0, std::min<std::size_t>(content.size(), 65536)));
    const std::string_view text = trim_view(decoded.text);
    if (text.empty()) {
        throw Error(ErrorKind::invalid_input, "the file is empty", k_formats_hint);
    }
    if (text.front() == '{') {
        return ImportFormat::geojson;
    }
    const std::string header = squeezed(first_line(text));
    if (header.find("sitereference") != std::string::npos) {
        return ImportFormat::brownfield;
    }
    // CNIG friches: site_numero in the first schema (v0.1), site_id with site_nom since v2022-12.
    if (header.find("site_numero") != std::string::npos ||
        (header.find("site_id") != std::string::npos &&
         header.find("site_nom") != std::string::npos)) {
        return ImportFormat::cnig;
    }
    throw Error(ErrorKind::unsupported_media, "the file's format is not recognised",
                k_formats_hint);
}

ParsedFile parse_file(std::string_view content, const ImportOptions& options) {
    if (options.source && options.source->size() > detail::k_max_source) {
        throw Error(ErrorKind::invalid_input,
                    "the source name is longer than " + std::to_string(detail::k_max_source) +
                        " bytes",
                    "give a shorter source name");
    }
    const ImportFormat format = options.format ? *options.format : detect_format(content);
    auto decoded = decode_text(content);
    if (trim_view(decoded.text).empty()) {
        throw Error(ErrorKind::invalid_input, "the file is empty", k_formats_hint);
    }
    ParsedFile parsed;
    switch (format) {
    case ImportFormat::geojson:
        parsed = detail::parse_geojson(decoded.text, options);
        break;
    case ImportFormat::brownfield:
        parsed = detail::parse_brownfield(decoded.text, options);
        break;
    case ImportFormat::cnig:
        parsed = detail::parse_cnig(decoded.text, options);
        break;
    }
    parsed.format = format;
    parsed.encoding = decoded.encoding;
    return parsed;
}

ImportReport run_import(Store& store, Id workspace_id, std::string_view content,
                        const ImportOptions& options) {
    ParsedFile parsed = parse_file(content, options);
    check_records(store, workspace_id, parsed);

    ImportReport report;
    report.format = parsed.format;
    report.source = parsed.source;
    report.encoding = parsed.encoding;
    report.file_name = options.file_name;
    report.dry_run = options.dry_run;
    report.rows = parsed.rows;

    if (options.strict && !parsed.rejected.empty()) {
        std::vector<FieldError> fields;
        for (const auto& r : parsed.rejected) {
            std::string reason = r.reference.empty() ? r.reason : r.reference + ": " + r.reason;
            // A row without a line (a GeoJSON feature read without positions) is a place in
            // the uploaded document as a whole.
            fields.push_back(r.line > 0 ? FieldError::at_line(r.line, std::move(reason))
                                        : FieldError{"", std::move(reason)});
        }
        const auto n = parsed.rejected.size();
        throw Error(ErrorKind::invalid_input,
                    std::to_string(n) + (n == 1 ? " row" : " rows") +
                        " rejected; nothing was imported",
                    "correct the rows listed, or import without strict mode to skip them",
                    std::move(fields));
    }

    if (!parsed.records.empty()) {
        std::string name = options.file_name.empty() ? "a file" : options.file_name;
        auto outcomes = store.apply_import(workspace_id, parsed.records,
                                           "imported from " + name + " (" +
                                               std::string(enum_name(parsed.format)) + ")",
                                           options.dry_run);
        for (const auto& o : outcomes) {
            switch (o.kind) {
            case ImportOutcomeKind::created:
                ++report.created;
                break;
            case ImportOutcomeKind::updated:
                ++report.updated;
                break;
            case ImportOutcomeKind::unchanged:
                ++report.unchanged;
                break;
            case ImportOutcomeKind::kept:
                // A file import asks for no protection of reviewed spaces (only the
                // discovery scan does, with its own report): a kept record here means the
                // store broke its contract, and the report would miscount it.
                throw Error(ErrorKind::internal,
                            "the store kept a record that a file import does not protect");
            }
        }
    }
    for (const auto& r : parsed.records) {
        if (r.source_says_ended) {
            ++report.ended;
        }
    }
    report.rejected = std::move(parsed.rejected);
    report.warnings = std::move(parsed.warnings);
    return report;
}

} // namespace impetus::importers
