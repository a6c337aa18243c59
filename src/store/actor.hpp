#pragma once

// The actor of the changes made on this thread, for the audit log. The HTTP layer sets it for
// each request and the CLI for each command; the store reads it inside its write transactions.

#include "core/accounts.hpp"

namespace impetus {

// The actor while the scope lives; the previous one afterwards.
class ActorScope {
public:
    explicit ActorScope(Actor actor);
    ~ActorScope();
    ActorScope(const ActorScope&) = delete;
    ActorScope& operator=(const ActorScope&) = delete;

private:
    Actor m_previous;
};

const Actor& current_actor();

} // namespace impetus
