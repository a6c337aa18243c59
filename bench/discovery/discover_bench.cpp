// discover_bench FILE.osm.pbf OUT.geojson [WEIGHTS.json]
// discover_bench --osmium-expressions
//
// Runs the whole discovery (rules, context, scores) on an extract and writes the candidates as
// GeoJSON, the way `impetus discover --geojson` will; prints a summary and the per-rule counts
// to standard error. With --osmium-expressions it prints the first-stage `osmium tags-filter`
// expressions of every rule, one a line: the osmium pipeline of the benchmark finds the same
// objects with them. Used by bench/discovery/run.sh.

#include "discovery/discovery.hpp"

#include <cstdio>
#include <unistd.h>
#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
    using namespace impetus;
    if (argc == 2 && std::string(argv[1]) == "--osmium-expressions") {
        for (const auto& rule : discovery::rules()) {
            for (const auto& e : rule.stages.front()) std::cout << e << "\n";
        }
        return 0;
    }
    if (argc < 3 || argc > 4) {
        std::cerr << "usage: discover_bench FILE.osm.pbf OUT.geojson [WEIGHTS.json]\n";
        return 2;
    }
    try {
        discovery::DiscoverOptions options;
        if (argc == 4) options.weights = discovery::load_weights(argv[3]);
        const bool tty = ::isatty(2);
        options.progress = [&](const discovery::Progress& p) {
            if (!tty) return;
            std::fprintf(stderr, "\r%-9s %5.1f %%  %12llu objects  %9.0f/s  %5.0f s left   ",
                         p.phase.c_str(), 100.0 * p.share_read,
                         static_cast<unsigned long long>(p.objects), p.objects_per_second,
                         p.seconds_left);
        };
        auto result = discovery::discover(argv[1], options);
        if (tty) std::fputc('\n', stderr);
        std::string out;
        discovery::write_geojson(result, out);
        std::ofstream f(argv[2], std::ios::binary);
        f << out;
        if (!f.flush()) {
            std::cerr << "discover_bench: cannot write " << argv[2] << "\n";
            return 1;
        }
        std::cerr << "candidates " << result.candidates.size() << ", objects "
                  << result.objects_read << ", " << result.seconds << " s\n";
        for (const auto& [phase, s] : result.phase_seconds) {
            std::cerr << "  phase " << phase << " " << s << " s\n";
        }
        for (const auto& [rule, n] : result.per_rule) std::cerr << "  " << rule << " " << n << "\n";
        return 0;
    } catch (const Error& e) {
        std::cerr << "discover_bench: " << e.what() << "\n";
        if (!e.hint().empty()) std::cerr << "  hint: " << e.hint() << "\n";
        return 1;
    }
}
