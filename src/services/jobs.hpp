#pragma once

// Background jobs: discovery scans of OpenStreetMap extracts, run one
// at a time on a worker thread of their own so that requests never wait for them. Each job is
// a row in the store (Store::create_job ...), which holds its progress and outcome: any server
// thread answers "how far is it" from the store, and a job interrupted by a stop is marked
// failed when the server starts again (Store::fail_interrupted_jobs).

#include "core/model.hpp"
#include "store/store.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace impetus::services {

struct DiscoveryJobRequest {
    std::filesystem::path file;  // the extract to read
    std::string display_name;    // how messages and the job name it
    bool remove_after = false;   // an upload: deleted when the job ends
    bool dry_run = false;
    nlohmann::json params;       // recorded with the job (what was asked)
};

class JobRunner {
public:
    // `weights_file`: discovery score weights read at the start of each job (empty: defaults).
    // `on_start`, if set, runs on the worker thread as each job starts, once it is marked
    // running (a test holds a job there).
    JobRunner(Store& store, std::string weights_file,
              std::function<void(Id job_id)> on_start = {});
    ~JobRunner(); // cancels the running job, marks the queued ones cancelled, joins
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    Job submit_discovery(Id workspace_id, DiscoveryJobRequest request);

    // Asks a queued or running job to stop. Error(conflict) when it has already finished,
    // Error(not_found) when the workspace holds no such job.
    Job cancel(Id workspace_id, Id job_id);

private:
    struct Pending {
        Id job_id = 0;
        Id workspace_id = 0;
        DiscoveryJobRequest request;
    };

    void work();
    void run_discovery(const Pending& p);

    Store& m_store;
    std::string m_weights_file;
    std::function<void(Id)> m_on_start;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Pending> m_queue;
    Id m_running = 0;                 // the job the worker runs now (0: none)
    std::atomic<bool> m_cancel_running{false};
    std::atomic<bool> m_stopping{false};
    std::thread m_worker; // last: started once everything above exists
};

} // namespace impetus::services
