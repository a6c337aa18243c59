// The head of an HTTP request as the server reads it: Boost.Beast's request parser with the
// server's 16 KiB header limit, then the target split into path and query and both decoded.

#include "fuzz.hpp"

#include "http/message.hpp"
#include "http/query_params.hpp"

#include <boost/beast/http.hpp>

namespace bhttp = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace impetus;
    bhttp::request_parser<bhttp::empty_body> parser;
    parser.header_limit(16 * 1024); // ServerOptions::max_header_bytes
    parser.eager(false);            // the head only, as async_read_header reads it
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_header_done() && used < size) {
        const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
        if (ec || n == 0) break;
        used += n;
    }
    if (!parser.is_header_done()) return 0;

    const auto& head = parser.get();
    const std::string target(head.target());
    const auto q = target.find('?');
    const std::string path = http::url_decode(target.substr(0, q), false);
    const std::string query =
        q == std::string::npos ? std::string() : http::url_decode(target.substr(q + 1), true);
    IMPETUS_FUZZ_CHECK(path.size() <= q && query.size() <= target.size());
    http::Headers headers;
    for (const auto& field : head) {
        headers[std::string(field.name_string())] += std::string(field.value());
    }
    http::QueryParams params(q == std::string::npos ? std::string_view() :
                                                      std::string_view(target).substr(q + 1));
    params.unused();
    return 0;
}
