// Query strings of the list endpoints: the parameters, the shared space filters in the REST and
// the OGC API styles, paging, and the links to other pages, which must carry the new value once.

#include "fuzz.hpp"

#include "http/query_params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace impetus;
    using http::QueryParams;
    const std::string_view raw = fuzz::bytes_of(data, size);

    for (auto style : {http::QueryStyle::rest, http::QueryStyle::ogc}) {
        QueryParams params(raw);
        FieldErrors errors;
        const SpaceQuery q = http::read_space_query(params, style, errors);
        IMPETUS_FUZZ_CHECK(q.limit >= 1 && q.limit <= k_max_page_size);
        http::read_flag(params, "count", errors);
        http::reject_unused(params, errors);
        params.unused();
    }
    std::string why;
    if (auto box = http::parse_bbox(raw, why)) {
        IMPETUS_FUZZ_CHECK(box->min_lon <= box->max_lon && box->min_lat <= box->max_lat);
    }

    const std::string next = http::with_param(raw, "offset", "20");
    QueryParams linked(next);
    FieldErrors errors;
    IMPETUS_FUZZ_CHECK(linked.get("offset", errors) == std::optional<std::string>("20"));
    IMPETUS_FUZZ_CHECK(errors.empty());
    return 0;
}
