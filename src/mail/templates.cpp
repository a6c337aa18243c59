#include "mail/templates.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <set>

namespace impetus::mail {

namespace {

struct Template {
    std::string_view key;
    std::string_view language;
    std::string_view subject;
    std::string_view text;
};

// Sections: {?x}...{/x} kept when x is set, {^x}...{/x} kept when it is not.
constexpr Template k_templates[] = {
    // -- the jury learns that the sheets wait: {call}, {link}
    {"call.evaluation_open", "en", "Applications to evaluate: {call}",
     "Hello,\n\nYou are an evaluator of the call \"{call}\". The eligible applications wait for "
     "your scores.{?link}\n\nOpen them here:\n{link}{/link}\n\n-- Impetus\n"},
    {"call.evaluation_open", "pl", "Wnioski do oceny: {call}",
     "Dzień dobry,\n\nw naborze „{call}” wnioski spełniające warunki formalne czekają na ocenę "
     "komisji, do której Pan/Pani należy.{?link}\n\nWnioski są tutaj:\n{link}{/link}\n\n"
     "-- Impetus\n"},
    {"call.evaluation_open", "fr", "Candidatures à évaluer : {call}",
     "Bonjour,\n\nVous faites partie du jury de l'appel « {call} ». Les candidatures recevables "
     "attendent votre évaluation.{?link}\n\nElles sont ici :\n{link}{/link}\n\n-- Impetus\n"},
    {"call.evaluation_open", "es", "Solicitudes por evaluar: {call}",
     "Hola:\n\nForma parte del jurado de la convocatoria «{call}». Las solicitudes admitidas "
     "esperan su evaluación.{?link}\n\nPuede verlas aquí:\n{link}{/link}\n\n-- Impetus\n"},
    {"call.evaluation_open", "it", "Candidature da valutare: {call}",
     "Buongiorno,\n\nfa parte della commissione di valutazione del bando «{call}». Le "
     "candidature ammissibili attendono la sua valutazione.{?link}\n\nLe trova qui:\n{link}"
     "{/link}\n\n-- Impetus\n"},
    {"call.evaluation_open", "lv", "Pieteikumi vērtēšanai: {call}",
     "Labdien!\n\nJūs esat konkursa “{call}” vērtēšanas komisijas sastāvā. Atbilstošie "
     "pieteikumi gaida jūsu vērtējumu.{?link}\n\nTie ir pieejami šeit:\n{link}{/link}\n\n"
     "-- Impetus\n"},
    {"call.evaluation_open", "ro", "Candidaturi de evaluat: {call}",
     "Bună ziua,\n\nFaceți parte din comisia de evaluare a apelului „{call}”. Candidaturile "
     "eligibile vă așteaptă evaluarea.{?link}\n\nLe găsiți aici:\n{link}{/link}\n\n-- Impetus\n"},

    // -- a receipt for the applicant: {name}, {title}, {call}, {submitted_at}, {link}
    {"application.received", "en", "Application received: {title}",
     "Hello{?name} {name}{/name},\n\nYour application \"{title}\" to the call \"{call}\" was "
     "submitted at {submitted_at} (UTC).{?link}\n\nFollow it here:\n{link}{/link}\n\n"
     "-- Impetus\n"},
    {"application.received", "pl", "Wniosek przyjęty: {title}",
     "Dzień dobry{?name} {name}{/name},\n\nwniosek „{title}” w naborze „{call}” został złożony "
     "{submitted_at} (UTC).{?link}\n\nJego stan można śledzić tutaj:\n{link}{/link}\n\n"
     "-- Impetus\n"},
    {"application.received", "fr", "Candidature reçue : {title}",
     "Bonjour{?name} {name}{/name},\n\nVotre candidature « {title} » à l'appel « {call} » a été "
     "déposée le {submitted_at} (UTC).{?link}\n\nSuivez-la ici :\n{link}{/link}\n\n-- Impetus\n"},
    {"application.received", "es", "Solicitud recibida: {title}",
     "Hola{?name} {name}{/name}:\n\nSu solicitud «{title}» a la convocatoria «{call}» se "
     "presentó el {submitted_at} (UTC).{?link}\n\nPuede seguirla aquí:\n{link}{/link}\n\n"
     "-- Impetus\n"},
    {"application.received", "it", "Candidatura ricevuta: {title}",
     "Buongiorno{?name} {name}{/name},\n\nla sua candidatura «{title}» al bando «{call}» è "
     "stata presentata il {submitted_at} (UTC).{?link}\n\nPuò seguirla qui:\n{link}{/link}\n\n"
     "-- Impetus\n"},
    {"application.received", "lv", "Pieteikums saņemts: {title}",
     "Labdien{?name}, {name}{/name}!\n\nJūsu pieteikums “{title}” konkursam “{call}” tika "
     "iesniegts {submitted_at} (UTC).{?link}\n\nTā gaitai var sekot šeit:\n{link}{/link}\n\n"
     "-- Impetus\n"},
    {"application.received", "ro", "Candidatură primită: {title}",
     "Bună ziua{?name}, {name}{/name},\n\nCandidatura dumneavoastră „{title}” la apelul "
     "„{call}” a fost depusă la {submitted_at} (UTC).{?link}\n\nO puteți urmări aici:\n{link}"
     "{/link}\n\n-- Impetus\n"},

    // -- the published decision: {name}, {title}, {call}, {allocated}, {space}, {start}, {end},
    //    {link}
    {"application.decided", "en", "Decision on your application: {title}",
     "Hello{?name} {name}{/name},\n\nYour application \"{title}\" to the call \"{call}\" has "
     "been decided.\n\n{?allocated}It was allocated a space{?space}: {space}{/space}, from "
     "{start} until {end} (exclusive).{/allocated}{^allocated}It was not allocated a space this "
     "time.{/allocated}\n\nThe explanation of the decision is on the application's page{?link}:"
     "\n{link}{/link}{^link}.{/link}\n\n-- Impetus\n"},
    {"application.decided", "pl", "Decyzja w sprawie wniosku: {title}",
     "Dzień dobry{?name} {name}{/name},\n\nzapadła decyzja w sprawie wniosku „{title}” w "
     "naborze „{call}”.\n\n{?allocated}Przydzielono mu lokal{?space}: {space}{/space}, od "
     "{start} do {end} (bez tego dnia).{/allocated}{^allocated}Tym razem nie przydzielono mu "
     "lokalu.{/allocated}\n\nUzasadnienie decyzji jest na stronie wniosku{?link}:\n{link}"
     "{/link}{^link}.{/link}\n\n-- Impetus\n"},
    {"application.decided", "fr", "Décision sur votre candidature : {title}",
     "Bonjour{?name} {name}{/name},\n\nUne décision a été prise sur votre candidature "
     "« {title} » à l'appel « {call} ».\n\n{?allocated}Un espace lui a été attribué{?space} : "
     "{space}{/space}, du {start} au {end} (exclu).{/allocated}{^allocated}Aucun espace ne lui "
     "a été attribué cette fois-ci.{/allocated}\n\nL'explication de la décision figure sur la "
     "page de la candidature{?link} :\n{link}{/link}{^link}.{/link}\n\n-- Impetus\n"},
    {"application.decided", "es", "Decisión sobre su solicitud: {title}",
     "Hola{?name} {name}{/name}:\n\nSe ha decidido sobre su solicitud «{title}» a la "
     "convocatoria «{call}».\n\n{?allocated}Se le ha asignado un espacio{?space}: {space}"
     "{/space}, del {start} al {end} (este último día excluido).{/allocated}{^allocated}Esta "
     "vez no se le ha asignado ningún espacio.{/allocated}\n\nLa explicación de la decisión está "
     "en la página de la solicitud{?link}:\n{link}{/link}{^link}.{/link}\n\n-- Impetus\n"},
    {"application.decided", "it", "Decisione sulla sua candidatura: {title}",
     "Buongiorno{?name} {name}{/name},\n\nè stata presa una decisione sulla sua candidatura "
     "«{title}» al bando «{call}».\n\n{?allocated}Le è stato assegnato uno spazio{?space}: "
     "{space}{/space}, dal {start} al {end} (escluso).{/allocated}{^allocated}Questa volta non "
     "le è stato assegnato alcuno spazio.{/allocated}\n\nLa motivazione della decisione è nella "
     "pagina della candidatura{?link}:\n{link}{/link}{^link}.{/link}\n\n-- Impetus\n"},
    {"application.decided", "lv", "Lēmums par jūsu pieteikumu: {title}",
     "Labdien{?name}, {name}{/name}!\n\nPar jūsu pieteikumu “{title}” konkursam “{call}” ir "
     "pieņemts lēmums.\n\n{?allocated}Tam ir piešķirta telpa{?space}: {space}{/space}, no "
     "{start} līdz {end} (neieskaitot).{/allocated}{^allocated}Šoreiz tam telpa netika "
     "piešķirta.{/allocated}\n\nLēmuma pamatojums ir pieteikuma lapā{?link}:\n{link}{/link}"
     "{^link}.{/link}\n\n-- Impetus\n"},
    {"application.decided", "ro", "Decizie privind candidatura dumneavoastră: {title}",
     "Bună ziua{?name}, {name}{/name},\n\nS-a luat o decizie privind candidatura „{title}” la "
     "apelul „{call}”.\n\n{?allocated}I s-a atribuit un spațiu{?space}: {space}{/space}, de la "
     "{start} până la {end} (exclusiv).{/allocated}{^allocated}De data aceasta nu i s-a "
     "atribuit niciun spațiu.{/allocated}\n\nExplicația deciziei se află pe pagina "
     "candidaturii{?link}:\n{link}{/link}{^link}.{/link}\n\n-- Impetus\n"},

    // -- what became of a citizen's report: {name}, {date}, one of {accepted}, {merged},
    //    {rejected}, and the officer's {reason}
    {"report.decided", "en", "Your report of a vacant place",
     "Hello{?name} {name}{/name},\n\nThank you for your report of {date}. {?accepted}It was "
     "accepted: the place is now in the inventory.{/accepted}{?merged}It was added to a place "
     "already in the inventory.{/merged}{?rejected}It was not taken up.{/rejected}{?reason}\n\n"
     "The officer's note: {reason}{/reason}\n\n-- Impetus\n"},
    {"report.decided", "pl", "Zgłoszenie pustostanu",
     "Dzień dobry{?name} {name}{/name},\n\ndziękujemy za zgłoszenie z dnia {date}. {?accepted}"
     "Zostało przyjęte: miejsce jest teraz w wykazie.{/accepted}{?merged}Dołączono je do "
     "miejsca, które już jest w wykazie.{/merged}{?rejected}Nie zostało uwzględnione."
     "{/rejected}{?reason}\n\nUwaga urzędnika: {reason}{/reason}\n\n-- Impetus\n"},
    {"report.decided", "fr", "Votre signalement d'un lieu vacant",
     "Bonjour{?name} {name}{/name},\n\nMerci pour votre signalement du {date}. {?accepted}Il a "
     "été accepté : le lieu figure désormais à l'inventaire.{/accepted}{?merged}Il a été "
     "rattaché à un lieu déjà inscrit à l'inventaire.{/merged}{?rejected}Il n'a pas été "
     "retenu.{/rejected}{?reason}\n\nLa note de l'agent : {reason}{/reason}\n\n-- Impetus\n"},
    {"report.decided", "es", "Su aviso de un lugar vacío",
     "Hola{?name} {name}{/name}:\n\nGracias por su aviso del {date}. {?accepted}Se ha aceptado: "
     "el lugar figura ahora en el inventario.{/accepted}{?merged}Se ha añadido a un lugar que "
     "ya figuraba en el inventario.{/merged}{?rejected}No se ha tenido en cuenta.{/rejected}"
     "{?reason}\n\nNota del técnico: {reason}{/reason}\n\n-- Impetus\n"},
    {"report.decided", "it", "La sua segnalazione di un luogo inutilizzato",
     "Buongiorno{?name} {name}{/name},\n\ngrazie per la segnalazione del {date}. {?accepted}È "
     "stata accolta: il luogo è ora nell'inventario.{/accepted}{?merged}È stata unita a un "
     "luogo già presente nell'inventario.{/merged}{?rejected}Non è stata accolta.{/rejected}"
     "{?reason}\n\nLa nota del funzionario: {reason}{/reason}\n\n-- Impetus\n"},
    {"report.decided", "lv", "Jūsu ziņojums par neizmantotu vietu",
     "Labdien{?name}, {name}{/name}!\n\nPaldies par jūsu {date} ziņojumu. {?accepted}Tas ir "
     "pieņemts: vieta tagad ir iekļauta sarakstā.{/accepted}{?merged}Tas ir pievienots vietai, "
     "kas jau ir sarakstā.{/merged}{?rejected}Tas netika ņemts vērā.{/rejected}{?reason}\n\n"
     "Darbinieka piezīme: {reason}{/reason}\n\n-- Impetus\n"},
    {"report.decided", "ro", "Semnalarea dumneavoastră a unui loc neutilizat",
     "Bună ziua{?name}, {name}{/name},\n\nVă mulțumim pentru semnalarea din {date}. {?accepted}A "
     "fost acceptată: locul se află acum în inventar.{/accepted}{?merged}A fost adăugată unui "
     "loc aflat deja în inventar.{/merged}{?rejected}Nu a fost reținută.{/rejected}{?reason}"
     "\n\nNota funcționarului: {reason}{/reason}\n\n-- Impetus\n"},
};

bool is_set(const Values& values, std::string_view name) {
    auto it = values.find(name);
    return it != values.end() && !it->second.empty();
}

// Fills `text`: sections first (they may nest), then placeholders.
std::string fill(std::string_view text, const Values& values, std::string_view key) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t open = text.find('{', i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, open - i));
        const std::size_t close = text.find('}', open);
        if (close == std::string_view::npos) {
            throw Error(ErrorKind::internal, "mail template " + std::string(key) + " is malformed");
        }
        const std::string_view tag = text.substr(open + 1, close - open - 1);
        if (!tag.empty() && (tag[0] == '?' || tag[0] == '^')) {
            const std::string_view name = tag.substr(1);
            const std::string end = "{/" + std::string(name) + "}";
            // The matching end: the first one after the nested sections of the same name.
            std::size_t depth = 1;
            std::size_t pos = close + 1;
            std::size_t end_at = std::string_view::npos;
            while (depth > 0) {
                const std::size_t next_end = text.find(end, pos);
                if (next_end == std::string_view::npos) break;
                const std::size_t next_if = text.find("{?" + std::string(name) + "}", pos);
                const std::size_t next_not = text.find("{^" + std::string(name) + "}", pos);
                const std::size_t next_open = std::min(next_if, next_not);
                if (next_open < next_end) {
                    ++depth;
                    pos = next_open + 1;
                } else if (--depth == 0) {
                    end_at = next_end;
                } else {
                    pos = next_end + end.size();
                }
            }
            if (end_at == std::string_view::npos) {
                throw Error(ErrorKind::internal,
                            "mail template " + std::string(key) + " leaves a section open");
            }
            const bool keep = (tag[0] == '?') == is_set(values, name);
            if (keep) out += fill(text.substr(close + 1, end_at - close - 1), values, key);
            i = end_at + end.size();
            continue;
        }
        auto it = values.find(tag);
        if (it == values.end()) {
            throw Error(ErrorKind::internal, "mail template " + std::string(key) +
                                                 " needs a value for " + std::string(tag));
        }
        out += it->second;
        i = close + 1;
    }
    return out;
}

// The base language of a tag: "fr-BE" -> "fr".
std::string base_language(const std::string& tag) {
    std::string base = tag.substr(0, tag.find_first_of("-_"));
    std::transform(base.begin(), base.end(), base.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return base;
}

} // namespace

Letter letter(std::string_view key, const std::vector<std::string>& languages,
              const Values& values) {
    const Template* chosen = nullptr;
    const Template* english = nullptr;
    for (const auto& t : k_templates) {
        if (t.key == key && t.language == "en") english = &t;
    }
    if (!english) throw Error(ErrorKind::internal, "no mail template " + std::string(key));
    for (const auto& tag : languages) {
        const std::string lang = base_language(tag);
        for (const auto& t : k_templates) {
            if (t.key == key && t.language == lang) {
                chosen = &t;
                break;
            }
        }
        if (chosen) break;
    }
    if (!chosen) chosen = english;
    return {fill(chosen->subject, values, key), fill(chosen->text, values, key),
            std::string(chosen->language)};
}

std::vector<std::string> template_keys() {
    std::set<std::string> keys;
    for (const auto& t : k_templates) keys.emplace(t.key);
    return {keys.begin(), keys.end()};
}

std::vector<std::string> template_languages(std::string_view key) {
    std::vector<std::string> out;
    for (const auto& t : k_templates) {
        if (t.key == key) out.emplace_back(t.language);
    }
    return out;
}

} // namespace impetus::mail
