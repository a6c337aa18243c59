#include "services/jobs.hpp"

#include "core/error.hpp"
#include "discovery/discovery.hpp"
#include "discovery/scan.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace impetus::services {

using nlohmann::json;

JobRunner::JobRunner(Store& store, std::string weights_file, std::function<void(Id)> on_start)
    : m_store(store), m_weights_file(std::move(weights_file)), m_on_start(std::move(on_start)),
      m_worker([this] { work(); }) {}

JobRunner::~JobRunner() {
    std::deque<Pending> left;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_cancel_running = true;
        left.swap(m_queue);
    }
    m_wake.notify_all();
    m_worker.join();
    for (const auto& p : left) {
        try {
            m_store.finish_job(p.job_id, JobStatus::cancelled, nullptr,
                               "the server stopped before the job started; start it again");
        } catch (const std::exception& e) {
            spdlog::warn("job {}: {}", p.job_id, e.what());
        }
        std::error_code ec;
        if (p.request.remove_after) std::filesystem::remove(p.request.file, ec);
    }
}

Job JobRunner::submit_discovery(Id workspace_id, DiscoveryJobRequest request) {
    json params = request.params;
    params["file_name"] = request.display_name;
    params["dry_run"] = request.dry_run;
    Job job = m_store.create_job(workspace_id, "discovery", params);
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Pending{job.id, workspace_id, std::move(request)});
    }
    m_wake.notify_one();
    spdlog::info("job {}: discovery of {} queued", job.id, params["file_name"].get<std::string>());
    return job;
}

Job JobRunner::cancel(Id workspace_id, Id job_id) {
    auto job = m_store.job(workspace_id, job_id);
    if (!job) {
        throw Error(ErrorKind::not_found, "job " + std::to_string(job_id) + " not found");
    }
    std::optional<Pending> dequeued;
    {
        std::lock_guard lock(m_mutex);
        if (m_running == job_id) {
            m_cancel_running = true;
        } else {
            for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
                if (it->job_id == job_id) {
                    dequeued = std::move(*it);
                    m_queue.erase(it);
                    break;
                }
            }
            if (!dequeued) {
                job = m_store.job(workspace_id, job_id); // it may have ended meanwhile
                throw Error(ErrorKind::conflict,
                            "job " + std::to_string(job_id) + " has already " +
                                (job->status == JobStatus::succeeded ? "succeeded"
                                                                     : "ended (" +
                                                                           std::string(enum_name(
                                                                               job->status)) +
                                                                           ")"),
                            "only queued or running jobs can be cancelled");
            }
        }
    }
    if (dequeued) {
        m_store.finish_job(job_id, JobStatus::cancelled, nullptr, "cancelled before it started");
        std::error_code ec;
        if (dequeued->request.remove_after) std::filesystem::remove(dequeued->request.file, ec);
    }
    return *m_store.job(workspace_id, job_id);
}

void JobRunner::work() {
    for (;;) {
        Pending p;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping) return;
            p = std::move(m_queue.front());
            m_queue.pop_front();
            m_running = p.job_id;
            m_cancel_running = false;
        }
        try {
            run_discovery(p);
        } catch (const std::exception& e) {
            // The store itself failed (disk full, ...): nothing more can be recorded.
            spdlog::error("job {}: {}", p.job_id, e.what());
        }
        std::error_code ec;
        if (p.request.remove_after) std::filesystem::remove(p.request.file, ec);
        std::lock_guard lock(m_mutex);
        m_running = 0;
    }
}

void JobRunner::run_discovery(const Pending& p) {
    m_store.start_job(p.job_id);
    spdlog::info("job {}: discovery of {} started", p.job_id, p.request.display_name);
    if (m_on_start) m_on_start(p.job_id);
    auto last_report = std::chrono::steady_clock::time_point{};
    try {
        discovery::DiscoverOptions options;
        if (!m_weights_file.empty()) options.weights = discovery::load_weights(m_weights_file);
        options.display_name = p.request.display_name;
        options.cancelled = [this] { return m_cancel_running.load(); };
        options.progress = [&](const discovery::Progress& pr) {
            // Twice a second is enough for a progress bar, and keeps writes few.
            const auto now = std::chrono::steady_clock::now();
            if (pr.phase != "done" && now - last_report < std::chrono::milliseconds(500)) return;
            last_report = now;
            m_store.report_job_progress(p.job_id,
                                        json{{"share_read", pr.share_read},
                                             {"objects", pr.objects},
                                             {"objects_per_second", pr.objects_per_second},
                                             {"seconds_left", pr.seconds_left},
                                             {"phase", pr.phase}});
        };
        auto result = discovery::discover(p.request.file.string(), options);
        if (m_cancel_running) throw Error(ErrorKind::conflict, "cancelled");
        auto summary = discovery::apply_scan(m_store, p.workspace_id, result,
                                             p.request.display_name, p.request.dry_run);
        m_store.finish_job(p.job_id, JobStatus::succeeded, discovery::to_json(summary), "");
        spdlog::info("job {}: {} candidates, {} created, {} updated, {} ended", p.job_id,
                     summary.candidates, summary.created, summary.updated, summary.ended);
    } catch (const Error& e) {
        if (m_cancel_running) {
            m_store.finish_job(p.job_id, JobStatus::cancelled, nullptr,
                               m_stopping ? "the server stopped; start the job again"
                                          : "cancelled on request; nothing was changed");
            spdlog::info("job {}: cancelled", p.job_id);
            return;
        }
        std::string message = e.what();
        if (!e.hint().empty()) message += " (" + e.hint() + ")";
        m_store.finish_job(p.job_id, JobStatus::failed, nullptr, message);
        spdlog::warn("job {}: failed: {}", p.job_id, message);
    }
}

} // namespace impetus::services
