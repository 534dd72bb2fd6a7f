#include "openapi.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "http/route.hpp"

namespace sc::http {

namespace json = boost::json;

namespace {

constexpr std::string_view staff_prefix = "/api/staff/";

json::object ref(std::string_view schema) {
    return {{"$ref", "#/components/schemas/" + std::string(schema)}};
}

std::string operation_id(const route& r) {
    std::string id = verb_name(r.method);
    for (char& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const auto& s : r.path.segments()) {
        id += '_';
        for (char ch : s.name) id += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    }
    if (r.path.text() == "/") id += "home";
    return id;
}

std::string_view reason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 409:
            return "Conflict";
        case 429:
            return "Too Many Requests";
        case 503:
            return "Service Unavailable";
    }
    return "Answer";
}

const char* step_code(sign_in_step s) {
    switch (s) {
        case sign_in_step::totp_code:
            return "totp_code_required";
        case sign_in_step::change_password:
            return "password_change_required";
        case sign_in_step::enrol_totp:
            return "totp_enrolment_required";
        case sign_in_step::done:
            break;
    }
    return "";
}

/// One status of one operation: its body's schema and, for errors, the codes it carries.
struct outcome {
    std::string schema;
    std::set<std::string> codes;
    std::vector<std::string> says;
};

void add_error(std::map<int, outcome>& out, int status, std::string_view code,
               std::string_view says) {
    auto& o = out[status];
    o.schema = "error";
    o.codes.insert(std::string(code));
    if (!says.empty()) o.says.emplace_back(says);
}

/// What the table's data implies besides the answers a line lists: the checks the router
/// makes before the handler runs.
std::map<int, outcome> outcomes(const route& r) {
    std::map<int, outcome> out;
    for (const auto& a : r.answers) {
        auto& o = out[a.status];
        o.schema = a.schema;
        std::istringstream codes{std::string(a.codes)};
        for (std::string c; codes >> c;) o.codes.insert(c);
        if (!a.says.empty()) o.says.emplace_back(a.says);
    }
    bool staff = r.path.text().starts_with(staff_prefix);
    bool post = r.method == verb::post;
    if (!r.body.empty()) add_error(out, 400, "bad_request", "the body is not what the schema says");
    if (staff && post) add_error(out, 403, "forbidden", "the Origin is another site's");
    if (r.needs) {
        add_error(out, 401, "unauthenticated", "no session, or it has ended");
        if (post) add_error(out, 403, "csrf", "the X-CSRF-Token header is missing or wrong");
        for (auto s : {sign_in_step::done, sign_in_step::totp_code, sign_in_step::change_password,
                       sign_in_step::enrol_totp}) {
            if (r.steps.contains(s)) continue;
            if (!r.steps.contains(sign_in_step::done)) {
                add_error(out, 409, "conflict", "the session does not owe this step");
            } else {
                add_error(out, 403, step_code(s), "the session owes another sign-in step first");
            }
        }
        if (staff::roles_allowed(*r.needs).size() < 3) {
            add_error(out, 403, "forbidden", "the member's role does not allow it");
        }
    }
    bool has_parameter = false;
    for (const auto& s : r.path.segments()) has_parameter |= s.type != path_pattern::kind::literal;
    if (staff && has_parameter) add_error(out, 404, "not_found", "no such resource");
    if (r.hashes_password) {
        add_error(out, 503, "unavailable", "too many passwords being checked; Retry-After");
    }
    return out;
}

json::object response_of(int status, const outcome& o) {
    std::string description(reason(status));
    for (const auto& s : o.says) description += "; " + s;
    json::object r{{"description", description}};
    if (o.schema.empty()) return r;
    if (o.schema == "html") {
        r["content"] = {{"text/html", {{"schema", {{"type", "string"}}}}}};
    } else if (o.schema == "asset") {
        r["content"] = {{"*/*", {{"schema", {{"type", "string"}}}}}};
    } else if (o.schema == "error") {
        json::array codes;
        for (const auto& c : o.codes) codes.emplace_back(c);
        json::object schema{
            {"allOf", json::array{ref("error")}},
            {"properties",
             {{"error", {{"properties", {{"code", {{"type", "string"}, {"enum", codes}}}}}}}}}};
        r["content"] = {{"application/json", {{"schema", schema}}}};
    } else {
        json::object schema = ref(std::string_view(o.schema));
        r["content"] = {{"application/json", {{"schema", schema}}}};
    }
    return r;
}

json::object parameter(const path_pattern::segment& s, bool in_path) {
    json::object schema = s.type == path_pattern::kind::integer
                              ? json::object{{"type", "integer"}, {"minimum", 0}}
                              : json::object{{"type", "string"}, {"minLength", 1}};
    return {{"name", s.name},
            {"in", in_path ? "path" : "query"},
            {"required", in_path},
            {"schema", schema}};
}

std::string_view tag_of(const route& r) {
    if (!r.path.text().starts_with(staff_prefix)) return "public";
    if (!r.needs || *r.needs == staff::permission::own_account) return "session";
    return "administration";
}

json::object operation(const route& r) {
    json::object op{
        {"operationId", operation_id(r)}, {"summary", r.summary}, {"tags", json::array{tag_of(r)}}};
    std::string description;
    if (r.needs) {
        description = "Permission: `" + std::string(staff::permission_name(*r.needs)) + "` (roles:";
        for (auto role : staff::roles_allowed(*r.needs)) {
            description += " " + std::string(staff::role_name(role));
        }
        description += ").";
        op["x-permission"] = staff::permission_name(*r.needs);
    } else {
        description = "Public: no session.";
    }
    json::array steps;
    for (auto s : {sign_in_step::done, sign_in_step::totp_code, sign_in_step::change_password,
                   sign_in_step::enrol_totp}) {
        if (r.steps.contains(s)) steps.emplace_back(step_name(s));
    }
    if (r.needs) op["x-sign-in-steps"] = steps;
    op["description"] = description;
    json::array params;
    for (const auto& s : r.path.segments()) {
        if (s.type != path_pattern::kind::literal) params.push_back(parameter(s, true));
    }
    for (const auto& s : r.path.query()) params.push_back(parameter(s, false));
    if (!params.empty()) op["parameters"] = params;
    if (!r.body.empty()) {
        op["requestBody"] = {{"required", true},
                             {"content", {{"application/json", {{"schema", ref(r.body)}}}}}};
    }
    json::object responses;
    for (const auto& [status, o] : outcomes(r)) {
        responses[std::to_string(status)] = response_of(status, o);
    }
    op["responses"] = responses;
    if (!r.needs) {
        op["security"] = json::array{};
    } else if (r.method == verb::post) {
        op["security"] = json::array{{{"session", json::array{}}, {"csrf", json::array{}}}};
    } else {
        op["security"] = json::array{{{"session", json::array{}}}};
    }
    return op;
}

void pretty(std::ostringstream& out, const json::value& v, int depth) {
    auto indent = [&](int d) { out << '\n' << std::string(static_cast<std::size_t>(d) * 2, ' '); };
    if (v.is_object() && !v.as_object().empty()) {
        out << '{';
        bool first = true;
        for (const auto& [k, member] : v.as_object()) {
            if (!first) out << ',';
            first = false;
            indent(depth + 1);
            out << json::serialize(json::string(k)) << ": ";
            pretty(out, member, depth + 1);
        }
        indent(depth);
        out << '}';
    } else if (v.is_array() && !v.as_array().empty()) {
        out << '[';
        bool first = true;
        for (const auto& item : v.as_array()) {
            if (!first) out << ',';
            first = false;
            indent(depth + 1);
            pretty(out, item, depth + 1);
        }
        indent(depth);
        out << ']';
    } else {
        out << json::serialize(v);
    }
}

}  // namespace

json::value openapi_description(const json::object& schemas) {
    json::object paths;
    for (const auto& r : routes()) {
        auto path = r.path.template_path();
        if (!paths.contains(path)) paths[path] = json::object{};
        std::string method = verb_name(r.method);
        for (char& ch : method)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        paths[path].as_object()[method] = operation(r);
    }
    json::object info{
        {"title", "Safe Connect HTTP API"},
        {"version", "1"},
        {"summary", "Public pages and the staff API of a Safe Connect server"},
        {"description",
         "Generated from the route table (src/http/routes.cpp); docs/API.md says the same in "
         "prose. Errors are `{\"error\":{\"code\",\"message\"}}`. Staff sign in with "
         "`POST /api/staff/login` and hold only the session cookie `__Host-sc_session` "
         "(Path=/; Secure; HttpOnly; SameSite=Strict); every other POST carries the session's "
         "CSRF token in `X-CSRF-Token`, and an `Origin`, when sent, must be the server's own."}};
    json::object security{{"session",
                           {{"type", "apiKey"},
                            {"in", "cookie"},
                            {"name", "__Host-sc_session"},
                            {"description",
                             "The staff session, set by POST /api/staff/login: Path=/; Secure; "
                             "HttpOnly; SameSite=Strict. Public routes never set a cookie."}}},
                          {"csrf",
                           {{"type", "apiKey"},
                            {"in", "header"},
                            {"name", "X-CSRF-Token"},
                            {"description",
                             "The csrf_token from sign-in or GET /api/staff/me; required on "
                             "every POST but sign-in (else 403 csrf)."}}}};
    json::array tags{
        {{"name", "public"}, {"description", "Pages, assets and health: no cookie, no session"}},
        {{"name", "session"}, {"description", "Signing in and out, one's own account"}},
        {{"name", "administration"},
         {"description", "Accounts and privacy administration, by permission"}}};
    return json::object{{"openapi", "3.1.0"},
                        {"info", info},
                        {"servers", json::array{{{"url", "/"}}}},
                        {"tags", tags},
                        {"paths", paths},
                        {"components", {{"schemas", schemas}, {"securitySchemes", security}}}};
}

json::value openapi_description(const std::filesystem::path& source_dir) {
    std::ifstream in(source_dir / "tests" / "http" / "api_schemas.json");
    if (!in) throw std::runtime_error("cannot read tests/http/api_schemas.json");
    std::stringstream text;
    text << in.rdbuf();
    return openapi_description(json::parse(text.str()).as_object());
}

std::string pretty_json(const json::value& v) {
    std::ostringstream out;
    pretty(out, v, 0);
    out << '\n';
    return out.str();
}

}  // namespace sc::http
