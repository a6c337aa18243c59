#pragma once

// Names sorted as people of a language sort them: ICU collations (the Unicode Collation
// Algorithm, UTS #10, with the CLDR tailorings of each language) made available to SQL on
// every connection (internal to the store module).

#include "core/model.hpp"
#include "store/sqlite/sqlite_db.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace impetus::sqlite {

// Lets SQL name `COLLATE icu_<locale>` (icu_pl, icu_fr, icu_lv, icu_pt_BR...) and `COLLATE
// icu_root` (the neutral order of no language): each is made the first time a statement of the
// connection names it.
void register_collations(Connection& c);

// The collation for a BCP 47 language tag ("pl", "fr-BE"): icu_ and the tag with '_' for '-';
// icu_root for an empty or malformed tag.
std::string collation_for_language(std::string_view tag);

// The collation names of a workspace sort by: that of its first language, or icu_root when
// the workspace has none or when no workspace is given (a list that spans workspaces).
std::string name_collation(Connection& c, std::optional<Id> workspace_id);

} // namespace impetus::sqlite
