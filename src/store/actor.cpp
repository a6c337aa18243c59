#include "store/actor.hpp"

#include <utility>

namespace impetus {

namespace {
thread_local Actor t_actor;
}

ActorScope::ActorScope(Actor actor) : m_previous(std::exchange(t_actor, std::move(actor))) {}

ActorScope::~ActorScope() { t_actor = std::move(m_previous); }

const Actor& current_actor() { return t_actor; }

} // namespace impetus
