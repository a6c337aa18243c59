// Reading an OSM extract with libosmium: candidates and their context in two passes.
//
// Pass 1 reads the relations and keeps the multipolygons that are candidates or green areas
// (osmium::relations::RelationsManager, as libosmium's MultipolygonManager does). In a sorted
// PBF file it reads only the last blobs, where the relations are (see relation_tail()).
// Pass 2 reads everything: node locations go into an index, nodes and ways are matched against
// the rules table as they come, candidate closed ways and the kept relations (once their last
// member way has been read) are assembled into (multi)polygons by libosmium's area assembler,
// and the context objects are collected. Decompression runs in libosmium's thread pool while
// this thread handles the objects. Then the context of every candidate is computed in parallel
// from in-memory R-trees (context.cpp).
//
// Node locations: osmium::index::map::FlexMem. It keeps (id, location) pairs in a sorted
// vector (16 bytes a node) while ids are sparse, as in a real extract whose ids run up to
// 12 billion for a few hundred thousand nodes, and switches to a plain array indexed by id
// (8 bytes a node) once ids are dense, as in the renumbered 20-million-node benchmark file
// (160 MB for the array). A dense array alone would need 8 bytes for every id up to the
// largest; a memory-mapped file (sparse_mmap_array) would only add disk traffic at these sizes.

#include "discovery/discovery.hpp"

#include "discovery/context.hpp"
#include "discovery/pbf_blobs.hpp"
#include "discovery/tags.hpp"
#include "geo/measure.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>

#include <osmium/area/assembler.hpp>
#include <osmium/handler.hpp>
#include <osmium/handler/check_order.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/opl_input.hpp>
#include <osmium/io/pbf_input.hpp>
#include <osmium/io/reader.hpp>
#include <osmium/io/xml_input.hpp>
#include <osmium/osm/area.hpp>
#include <osmium/relations/relations_manager.hpp>
#include <osmium/visitor.hpp>
#include <osmium/thread/pool.hpp>
#include <protozero/exception.hpp>
#include <protozero/pbf_reader.hpp>

namespace impetus::discovery {

using detail::Blob;
using detail::scan_blobs;
using detail::TagRef;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

void fill_refs(const osmium::TagList& tags, std::vector<TagRef>& out) {
    out.clear();
    for (const auto& t : tags) out.push_back({t.key(), t.value()});
}

// RFC 7946 section 3.1.6: exterior rings counterclockwise, holes clockwise.
void orient(Ring& ring, bool counterclockwise) {
    double twice_area = 0.0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        twice_area += ring[i].lon * ring[i + 1].lat - ring[i + 1].lon * ring[i].lat;
    }
    if ((twice_area > 0.0) != counterclockwise) std::reverse(ring.begin(), ring.end());
}

template <typename TRing> Ring ring_of(const TRing& r, bool outer) {
    Ring ring;
    ring.reserve(r.size());
    for (const auto& n : r) ring.push_back({n.location().lon(), n.location().lat()});
    orient(ring, outer);
    return ring;
}

Geometry geometry_of(const osmium::Area& area) {
    MultiPolygon mp;
    for (const auto& outer : area.outer_rings()) {
        Polygon p;
        p.rings.push_back(ring_of(outer, true));
        for (const auto& inner : area.inner_rings(outer)) p.rings.push_back(ring_of(inner, false));
        mp.polygons.push_back(std::move(p));
    }
    if (mp.polygons.size() == 1) return std::move(mp.polygons.front());
    return mp;
}

std::map<std::string, std::string> tag_map(const osmium::TagList& tags) {
    std::map<std::string, std::string> out;
    for (const auto& t : tags) out.emplace(t.key(), t.value());
    return out;
}

// What the reading collects; the handler and the relations manager both write here.
struct Collector {
    std::vector<Candidate> candidates;
    detail::ContextData context;
    std::uint64_t objects = 0;

    void add_candidate(const char* type, std::int64_t id, Geometry geometry,
                       const osmium::TagList& tags, RuleMatch match) {
        Candidate c;
        c.osm_type = type;
        c.osm_id = id;
        c.tags = tag_map(tags);
        c.name = tags.get_value_by_key("name", "");
        c.address = address_from_tags(c.tags);
        c.area_m2 = geo::area_m2(geometry);
        c.centroid = geo::representative_point(geometry);
        c.geometry = std::move(geometry);
        c.kind = match.kind;
        c.condition = match.condition;
        c.lifecycle = std::move(match.lifecycle);
        c.rules = std::move(match.rules);
        c.matched_tags = std::move(match.matched_tags);
        candidates.push_back(std::move(c));
    }

    // `unchecked`: built from a way's ring without libosmium's assembler; checked for
    // validity when first used.
    void add_green(const Geometry& g, bool park, bool unchecked = false) {
        detail::GreenArea a{g, geo::bbox_of(g), unchecked};
        if (park) context.parks.push_back(a);
        context.greens.push_back(std::move(a));
    }

    void add_points(unsigned roles, const Position& p) {
        if (roles & detail::role_stop) context.stops.push_back(p);
        if (roles & detail::role_amenity) context.amenities.push_back(p);
        if (roles & detail::role_shop) context.shops.push_back(p);
    }

    // An area built by the assembler: a candidate, a green area, or both.
    void add_area(const char* type, std::int64_t id, const osmium::Area& area,
                  const osmium::TagList& tags, std::optional<RuleMatch> match, unsigned roles) {
        Geometry g = geometry_of(area);
        if (roles & detail::role_green) add_green(g, (roles & detail::role_park) != 0);
        if (match) add_candidate(type, id, std::move(g), tags, std::move(*match));
    }
};

osmium::area::AssemblerConfig assembler_config() {
    osmium::area::AssemblerConfig config;
    config.create_empty_areas = false; // an invalid polygon is no candidate (as osmium export)
    return config;
}

// Keeps the multipolygon relations that are candidates or green areas, and assembles each as
// soon as its last member way has been read in pass 2.
class Multipolygons
    : public osmium::relations::RelationsManager<Multipolygons, false, true, false> {
public:
    explicit Multipolygons(Collector& out) : m_out(out) {}

    bool new_relation(const osmium::Relation& relation) {
        if (std::strcmp(relation.tags().get_value_by_key("type", ""), "multipolygon") != 0) {
            return false;
        }
        fill_refs(relation.tags(), m_tags);
        const bool wanted = (detail::context_roles(m_tags) & detail::role_green) != 0 ||
                            detail::match_rules(m_tags, ObjectType::multipolygon).has_value();
        return wanted && std::any_of(relation.members().begin(), relation.members().end(),
                                     [](const osmium::RelationMember& m) {
                                         return m.type() == osmium::item_type::way;
                                     });
    }

    void complete_relation(const osmium::Relation& relation) {
        std::vector<const osmium::Way*> ways;
        for (const auto& member : relation.members()) {
            if (member.ref() != 0) ways.push_back(this->get_member_way(member.ref()));
        }
        fill_refs(relation.tags(), m_tags);
        auto match = detail::match_rules(m_tags, ObjectType::multipolygon);
        const unsigned roles = detail::context_roles(m_tags);
        try {
            m_buffer.clear();
            osmium::area::Assembler assembler{m_config};
            if (assembler(relation, ways, m_buffer)) {
                const auto& area = m_buffer.get<osmium::Area>(0);
                m_out.add_area("relation", relation.id(), area, relation.tags(), std::move(match),
                               roles);
            }
        } catch (const osmium::invalid_location&) {
            // a member way with a node outside the extract: no polygon, as in osmium export
        }
    }

private:
    Collector& m_out;
    osmium::area::AssemblerConfig m_config = assembler_config();
    osmium::memory::Buffer m_buffer{64 * 1024, osmium::memory::Buffer::auto_grow::yes};
    std::vector<TagRef> m_tags;
};

// Pass 2: nodes and ways.
class ObjectHandler : public osmium::handler::Handler {
public:
    explicit ObjectHandler(Collector& out) : m_out(out) {}

    void node(const osmium::Node& node) {
        ++m_out.objects;
        if (node.tags().empty()) return;
        fill_refs(node.tags(), m_tags);
        const unsigned roles = detail::context_roles(m_tags);
        auto match = detail::match_rules(m_tags, ObjectType::node);
        if (!match && roles == 0) return;
        if (!node.location().valid()) return;
        const Position p{node.location().lon(), node.location().lat()};
        m_out.add_points(roles, p);
        if (roles & detail::role_park) m_out.context.park_points.push_back(p);
        if (match) m_out.add_candidate("node", node.id(), Point{p}, node.tags(), std::move(*match));
    }

    void way(const osmium::Way& way) {
        ++m_out.objects;
        if (way.tags().empty()) return;
        fill_refs(way.tags(), m_tags);
        const unsigned roles = detail::context_roles(m_tags);
        m_roles = roles;
        std::optional<RuleMatch> match;
        const auto& nodes = way.nodes();
        // libosmium's test for a polygon: 4 nodes or more, first and last at the same place
        const bool closed = nodes.size() > 3 && nodes.front().location().valid() &&
                            nodes.back().location().valid() && way.ends_have_same_location();
        bool area = false;
        if (closed) {
            match = detail::match_rules(m_tags, ObjectType::closed_way);
            if (match || (roles & detail::role_green)) area = detail::is_area(m_tags);
        }
        if (area && !match) {
            // A green area only: its ring goes straight into the context. The assembler's
            // checks (self-intersections) are left to the context phase, which validates the
            // few green areas near a candidate instead of all of them (most of the cost of
            // reading a green extract otherwise).
            add_green_ring(way);
        } else if (area) {
            try {
                m_buffer.clear();
                osmium::area::Assembler assembler{m_config};
                if (assembler(way, m_buffer)) {
                    m_out.add_area("way", way.id(), m_buffer.get<osmium::Area>(0), way.tags(),
                                   std::move(match), roles);
                }
            } catch (const osmium::invalid_location&) {
                // a node outside the extract
            }
        }
        // Stops, amenities and shops mapped as ways count at the mean of their nodes.
        if (roles & (detail::role_stop | detail::role_amenity | detail::role_shop)) {
            double lon = 0.0, lat = 0.0;
            std::size_t n = 0;
            for (std::size_t i = 0; i < nodes.size(); ++i) {
                if (closed && i + 1 == nodes.size()) break; // the closing node repeats the first
                if (!nodes[i].location().valid()) continue;
                lon += nodes[i].location().lon();
                lat += nodes[i].location().lat();
                ++n;
            }
            if (n > 0) m_out.add_points(roles, Position{lon / double(n), lat / double(n)});
        }
    }

    void relation(const osmium::Relation&) {
        ++m_out.objects;
        ++m_relations;
    }

    std::uint64_t relations() const noexcept { return m_relations; }

private:
    void add_green_ring(const osmium::Way& way) {
        Ring ring;
        ring.reserve(way.nodes().size());
        for (const auto& n : way.nodes()) {
            if (!n.location().valid()) return; // a node outside the extract
            const Position p{n.location().lon(), n.location().lat()};
            if (ring.empty() || !(ring.back() == p)) ring.push_back(p);
        }
        if (ring.size() < 4) return;
        orient(ring, true);
        Polygon polygon;
        polygon.rings.push_back(std::move(ring));
        m_out.add_green(Geometry{std::move(polygon)}, (m_roles & detail::role_park) != 0, true);
    }

    Collector& m_out;
    osmium::area::AssemblerConfig m_config = assembler_config();
    osmium::memory::Buffer m_buffer{64 * 1024, osmium::memory::Buffer::auto_grow::yes};
    std::vector<TagRef> m_tags;
    unsigned m_roles = 0;
    std::uint64_t m_relations = 0;
};

using LocationIndex =
    osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
using LocationHandler = osmium::handler::NodeLocationsForWays<LocationIndex>;

class ProgressReporter {
public:
    explicit ProgressReporter(const DiscoverOptions& options) : m_options(options) {}

    void check_cancelled() const {
        if (m_options.cancelled && m_options.cancelled()) {
            throw Error(ErrorKind::conflict, "discovery cancelled", "start it again when ready");
        }
    }

    // Bytes each pass reads: pass 1 only the relation blocks when the file allows it.
    void set_sizes(std::size_t pass1_bytes, std::size_t pass2_bytes) {
        m_pass1_bytes = pass1_bytes;
        m_pass2_bytes = pass2_bytes;
    }

    // `offset` is the reader's position in its input (compressed bytes consumed).
    void reading(int pass, std::size_t offset, std::uint64_t objects, bool force = false) {
        check_cancelled();
        if (!m_options.progress) return;
        auto now = Clock::now();
        if (!force && now - m_last < std::chrono::milliseconds(200)) return;
        m_last = now;
        const double total = double(m_pass1_bytes + m_pass2_bytes);
        const double done = pass == 1 ? std::min<double>(offset, m_pass1_bytes)
                                      : m_pass1_bytes + std::min<double>(offset, m_pass2_bytes);
        Progress p;
        p.share_read = total > 0.0 ? done / total : 0.0;
        p.objects = objects;
        const double elapsed = seconds_since(m_start);
        p.objects_per_second = elapsed > 0.0 ? double(objects) / elapsed : 0.0;
        p.seconds_left = p.share_read > 0.01 ? elapsed * (1.0 - p.share_read) / p.share_read : 0.0;
        p.phase = pass == 1 ? "relations" : "objects";
        m_options.progress(p);
    }

    void start_context() { m_context_start = Clock::now(); }

    void context(std::size_t done, std::size_t total, std::uint64_t objects) {
        check_cancelled();
        if (!m_options.progress) return;
        Progress p;
        p.share_read = 1.0;
        p.objects = objects;
        const double elapsed = seconds_since(m_start);
        p.objects_per_second = elapsed > 0.0 ? double(objects) / elapsed : 0.0;
        p.seconds_left =
            done > 0 ? seconds_since(m_context_start) * double(total - done) / double(done) : 0.0;
        p.phase = done == total ? "done" : "context";
        m_options.progress(p);
    }

private:
    const DiscoverOptions& m_options;
    std::size_t m_pass1_bytes = 0;
    std::size_t m_pass2_bytes = 0;
    Clock::time_point m_start = Clock::now();
    Clock::time_point m_last{};
    Clock::time_point m_context_start{};
};

// ---------------------------------------------------------------------------------------------
// Pass 1 on the relation blocks only.
//
// A PBF file is a sequence of blobs (pbf_blobs.hpp). Extracts are sorted nodes, then ways, then
// relations, so the relations sit in the last blobs. Walking the headers costs a few thousand
// small reads; then blobs are decoded from the end until one holds nodes or ways, and pass 1
// reads only the file header and those last blobs, instead of decompressing the whole file a
// second time. Whether the file really was sorted is checked after pass 2 (every relation must
// have been seen in pass 1); if not, pass 1 is run again over the whole file.

} // namespace

namespace detail {

BlobScan scan_blobs(const std::string& path, std::uint64_t file_size) {
    std::ifstream in(path, std::ios::binary);
    BlobScan scan;
    std::uint64_t offset = 0;
    std::string header;
    while (offset < file_size) {
        unsigned char len[4];
        if (offset + 4 > file_size) {
            scan.cut = offset;
            return scan;
        }
        in.seekg(static_cast<std::streamoff>(offset));
        if (!in.read(reinterpret_cast<char*>(len), 4)) return scan;
        const std::uint32_t header_size = (std::uint32_t(len[0]) << 24) |
                                          (std::uint32_t(len[1]) << 16) |
                                          (std::uint32_t(len[2]) << 8) | std::uint32_t(len[3]);
        if (header_size == 0 || header_size > 64 * 1024) return scan;
        if (offset + 4 + header_size > file_size) {
            scan.cut = offset;
            return scan;
        }
        header.resize(header_size);
        if (!in.read(header.data(), header_size)) return scan;
        std::int64_t data_size = -1;
        try {
            protozero::pbf_reader msg{header};
            while (msg.next()) {
                if (msg.tag() == 3 && msg.wire_type() == protozero::pbf_wire_type::varint) {
                    data_size = msg.get_int32();
                } else {
                    msg.skip();
                }
            }
        } catch (const protozero::exception&) {
            return scan;
        }
        if (data_size < 0) return scan;
        const std::uint64_t size = 4 + header_size + std::uint64_t(data_size);
        if (offset + size > file_size) {
            scan.cut = offset;
            return scan;
        }
        scan.blobs.push_back({offset, size});
        offset += size;
    }
    scan.complete = true;
    return scan;
}

} // namespace detail

namespace {

std::string read_bytes(std::ifstream& in, const Blob& b) {
    std::string out(b.size, '\0');
    in.seekg(static_cast<std::streamoff>(b.offset));
    in.read(out.data(), static_cast<std::streamsize>(b.size));
    if (!in) throw Error(ErrorKind::io, "cannot read the file", "check the file");
    return out;
}

// One decompression thread per core: the handler's work is a fraction of the decoding, so
// the calling thread keeps up while the pool decodes (libosmium's default leaves two cores
// free for the caller, which on a two-core machine means a single decoding thread).
osmium::thread::Pool& reader_pool() {
    static osmium::thread::Pool pool{int(std::max(1U, std::thread::hardware_concurrency()))};
    return pool;
}

bool holds_nodes_or_ways(const std::string& pbf) {
    osmium::io::Reader reader{osmium::io::File{pbf.data(), pbf.size(), "pbf"},
                              osmium::osm_entity_bits::node | osmium::osm_entity_bits::way,
                              osmium::io::read_meta::no, reader_pool()};
    bool any = false;
    while (auto buffer = reader.read()) {
        if (buffer.select<osmium::OSMObject>().begin() != buffer.select<osmium::OSMObject>().end()) {
            any = true;
        }
    }
    reader.close();
    return any;
}

// The file header and the blobs from the first one holding relations; nullopt when the file
// does not look like that (pass 1 then reads the whole file, and reports any damage).
std::optional<std::string> relation_tail(const std::string& path, std::uint64_t file_size) {
    try {
        const auto scan = scan_blobs(path, file_size);
        if (!scan.complete || scan.blobs.size() < 2) return std::nullopt;
        const auto* blobs = &scan.blobs;
        std::ifstream in(path, std::ios::binary);
        const std::string header = read_bytes(in, blobs->front());
        std::size_t first = blobs->size();
        while (first > 1) {
            const std::string blob = read_bytes(in, (*blobs)[first - 1]);
            --first;
            if (holds_nodes_or_ways(header + blob)) break; // the blob where relations begin
        }
        std::string tail = header;
        for (std::size_t i = first; i < blobs->size(); ++i) tail += read_bytes(in, (*blobs)[i]);
        return tail;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

struct Input {
    osmium::io::File file;
    std::size_t size = 0;
    std::optional<std::string> relation_tail; // pass 1 input when set
};

DiscoveryResult run(const Input& input, const DiscoverOptions& options) {
    const auto start = Clock::now();
    ProgressReporter progress(options);
    progress.check_cancelled();
    const bool tail = input.relation_tail.has_value();
    const osmium::io::File pass1_file =
        tail ? osmium::io::File{input.relation_tail->data(), input.relation_tail->size(), "pbf"}
             : input.file;
    progress.set_sizes(tail ? input.relation_tail->size() : input.size, input.size);

    Collector out;
    Multipolygons multipolygons(out);
    std::uint64_t pass1_relations = 0;
    {
        osmium::io::Reader reader{pass1_file, osmium::osm_entity_bits::relation,
                                  osmium::io::read_meta::no, reader_pool()};
        while (auto buffer = reader.read()) {
            for (const auto& r : buffer.select<osmium::Relation>()) {
                multipolygons.relation(r);
                ++pass1_relations;
            }
            progress.reading(1, reader.offset(), 0);
        }
        reader.close();
    }
    multipolygons.prepare_for_lookup();
    const double pass1 = seconds_since(start);

    std::uint64_t pass2_relations = 0;
    {
        LocationIndex index;
        LocationHandler locations{index};
        locations.ignore_errors(); // ways may reference nodes outside the extract
        ObjectHandler objects(out);
        osmium::io::Reader reader{input.file, osmium::io::read_meta::no, reader_pool()};
        while (auto buffer = reader.read()) {
            osmium::apply(buffer, locations, objects, multipolygons.handler());
            progress.reading(2, reader.offset(), out.objects);
        }
        reader.close();
        pass2_relations = objects.relations();
        progress.reading(2, input.size, out.objects, true);
    } // the location index is freed here, before the context work

    if (tail && pass1_relations != pass2_relations) {
        // Relations outside the last blobs: the file is not sorted by type. Read it again
        // with pass 1 over the whole file.
        Input whole{input.file, input.size, std::nullopt};
        return run(whole, options);
    }

    DiscoveryResult result;
    result.phase_seconds["relations"] = pass1;
    result.phase_seconds["objects"] = seconds_since(start) - pass1;
    result.objects_read = out.objects;
    auto order = [](const std::string& t) { return t == "node" ? 0 : t == "way" ? 1 : 2; };
    std::sort(out.candidates.begin(), out.candidates.end(),
              [&](const Candidate& a, const Candidate& b) {
                  return std::pair(order(a.osm_type), a.osm_id) <
                         std::pair(order(b.osm_type), b.osm_id);
              });
    for (const auto& r : rules()) result.per_rule[r.id] = 0;
    for (const auto& c : out.candidates) {
        for (const auto& r : c.rules) ++result.per_rule[r];
    }

    progress.start_context();
    const detail::ContextIndex index(std::move(out.context));
    const std::size_t total = out.candidates.size();
    const std::uint64_t objects = out.objects;
    detail::compute_context(out.candidates, index, options.weights,
                            std::max(1U, std::thread::hardware_concurrency()),
                            [&](std::size_t done) { progress.context(done, total, objects); });
    result.candidates = std::move(out.candidates);
    result.seconds = seconds_since(start);
    result.phase_seconds["context"] =
        result.seconds - result.phase_seconds["relations"] - result.phase_seconds["objects"];
    return result;
}

bool contains(const std::string& s, const char* what) {
    return s.find(what) != std::string::npos;
}

// The first bytes of an OSM PBF file: a 4-byte big-endian length, then the BlobHeader whose
// first field (tag 0x0A) is the string "OSMHeader" (OSM wiki "PBF Format").
void check_pbf_signature(const std::string& path, const std::string& name, std::size_t size) {
    char head[16] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(head, sizeof head);
    const std::size_t n = static_cast<std::size_t>(in.gcount());
    const bool pbf = n >= 15 && head[0] == 0 && head[1] == 0 && head[4] == 0x0A &&
                     head[5] == 9 && std::memcmp(head + 6, "OSMHeader", 9) == 0;
    if (pbf) return;
    std::string what = "is not an OSM PBF file";
    std::string hint = "discover reads OpenStreetMap extracts in PBF format (.osm.pbf, e.g. from "
                       "download.geofabrik.de)";
    if (n >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
        static_cast<unsigned char>(head[1]) == 0x8b) {
        what += " (it is gzip-compressed)";
    } else if (n >= 1 && head[0] == '<') {
        what += " (it looks like OSM XML)";
        hint += "; convert it with `osmium cat FILE -o FILE.osm.pbf`";
    } else if (size < 16) {
        what += " (it is only " + std::to_string(size) + " bytes long)";
    }
    throw Error(ErrorKind::invalid_input, name + " " + what, hint);
}

// libosmium reports bad data with its own exceptions; each becomes an Error with a hint.
template <typename F> DiscoveryResult translating_errors(const std::string& what, F&& f) {
    const std::string check_hint =
        "check it with `osmium fileinfo -e FILE`; download or export the extract again";
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const osmium::out_of_order_error& e) {
        throw Error(ErrorKind::invalid_input, what + " is not sorted (" + e.what() + ")",
                    "sort it with `osmium sort FILE -o SORTED.osm.pbf`");
    } catch (const osmium::pbf_error& e) {
        const std::string msg = e.what();
        if (contains(msg, "truncated") || contains(msg, "EOF")) {
            throw Error(ErrorKind::invalid_input, what + " is truncated (" + msg + ")", check_hint);
        }
        throw Error(ErrorKind::invalid_input, what + " is corrupt (" + msg + ")", check_hint);
    } catch (const osmium::io_error& e) {
        // zlib/lz4 failures, OPL and XML parse errors, unsupported formats
        const std::string msg = e.what();
        if (contains(msg, "uncompress") || contains(msg, "decompress")) {
            throw Error(ErrorKind::invalid_input,
                        what + " is corrupt (a compressed block does not decompress: " + msg + ")",
                        check_hint);
        }
        throw Error(ErrorKind::invalid_input, what + " could not be read (" + msg + ")",
                    check_hint);
    } catch (const protozero::exception& e) {
        throw Error(ErrorKind::invalid_input, what + " is corrupt (" + e.what() + ")", check_hint);
    } catch (const std::system_error& e) {
        throw Error(ErrorKind::io, what + ": " + e.what(), "check that the file can be read");
    } catch (const std::bad_alloc&) {
        throw Error(ErrorKind::too_large, what + ": out of memory",
                    "try a smaller extract (osmium extract) or a machine with more memory");
    } catch (const std::exception& e) {
        // libosmium also throws plain runtime_errors for some malformed blocks
        throw Error(ErrorKind::invalid_input, what + " could not be read (" + e.what() + ")",
                    check_hint);
    }
}

} // namespace

std::uint64_t check_extract(const std::string& pbf_path, const std::string& display_name) {
    const std::string& name = display_name.empty() ? pbf_path : display_name;
    std::error_code ec;
    const auto status = std::filesystem::status(pbf_path, ec);
    if (ec || !std::filesystem::exists(status)) {
        throw Error(ErrorKind::io, "cannot read " + name + ": no such file",
                    "check the path of the extract");
    }
    if (!std::filesystem::is_regular_file(status)) {
        throw Error(ErrorKind::invalid_input, name + " is not a file",
                    "give the path of an .osm.pbf extract");
    }
    const auto size = std::filesystem::file_size(pbf_path, ec);
    if (ec) {
        throw Error(ErrorKind::io, "cannot read " + name + ": " + ec.message(),
                    "check the file's permissions");
    }
    if (size == 0) {
        throw Error(ErrorKind::invalid_input, name + " is empty",
                    "the download or copy did not finish; fetch the extract again");
    }
    {
        std::ifstream probe(pbf_path, std::ios::binary);
        if (!probe) {
            throw Error(ErrorKind::io, "cannot open " + name, "check the file's permissions");
        }
    }
    check_pbf_signature(pbf_path, name, size);
    // libosmium takes a file that stops inside a blob's 4-byte length for a complete one, so
    // the blob structure is checked here: a cut anywhere inside a blob is a truncated file.
    if (const auto cut = scan_blobs(pbf_path, size).cut) {
        throw Error(ErrorKind::invalid_input,
                    name + " is truncated (it ends inside the block that starts at byte " +
                        std::to_string(*cut) + " of " + std::to_string(size) + ")",
                    "the download or copy did not finish: fetch the extract again, and check "
                    "it with `osmium fileinfo -e FILE`");
    }
    return size;
}

DiscoveryResult discover(const std::string& pbf_path, const DiscoverOptions& options) {
    const auto size = check_extract(pbf_path, options.display_name);
    const std::string& name = options.display_name.empty() ? pbf_path : options.display_name;
    return translating_errors(name, [&] {
        Input input{osmium::io::File{pbf_path, "pbf"}, size, relation_tail(pbf_path, size)};
        return run(input, options);
    });
}

DiscoveryResult discover_buffer(const std::string& data, const std::string& format,
                                const DiscoverOptions& options) {
    if (data.empty()) {
        throw Error(ErrorKind::invalid_input, "the OSM data is empty", "give at least one object");
    }
    return translating_errors("the OSM data", [&] {
        Input input{osmium::io::File{data.data(), data.size(), format}, data.size(), std::nullopt};
        return run(input, options);
    });
}

} // namespace impetus::discovery
