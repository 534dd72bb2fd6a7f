#include "chat/json_schema.hpp"

#include "chat/text.hpp"

#include <boost/json/serialize.hpp>

#include <regex>
#include <set>

namespace sc::test_support {

namespace json = boost::json;

namespace {

// Annotations: they say what a value means, not what it must be.
const std::set<std::string_view> annotations{"$schema",     "$id",      "title",
                                             "description", "examples", "$defs"};
const std::set<std::string_view> keywords{
    "$ref",       "type",     "const",     "enum",
    "properties", "required", "items",     "maxItems",
    "minimum",    "maximum",  "minLength", "maxLength",
    "pattern",    "oneOf",    "anyOf",     "additionalProperties"};

bool has_type(const json::value& v, std::string_view type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_bool();
    if (type == "null") return v.is_null();
    if (type == "integer") return v.is_int64() || v.is_uint64();
    if (type == "number") return v.is_number();
    return false;
}

double number(const json::value& v) { return v.to_number<double>(); }

}  // namespace

const json::object& json_schema::definition(std::string_view def) const {
    return root_.at("$defs").as_object().at(def).as_object();
}

const json::object& json_schema::resolve(const json::object& s) const {
    const json::object* at = &s;
    while (auto* ref = at->if_contains("$ref")) {
        std::string_view r = ref->as_string();
        constexpr std::string_view prefix = "#/$defs/";
        if (!r.starts_with(prefix)) throw std::runtime_error("unsupported $ref " + std::string(r));
        at = &definition(r.substr(prefix.size()));
    }
    return *at;
}

std::vector<std::pair<std::string, const json::object*>> json_schema::frames_of(
    std::string_view entry) const {
    std::vector<std::pair<std::string, const json::object*>> out;
    for (const auto& branch : definition(entry).at("oneOf").as_array()) {
        const auto& frame = resolve(branch.as_object());
        out.emplace_back(std::string(frame.at("properties").at("type").at("const").as_string()),
                         &frame);
    }
    return out;
}

std::vector<std::string> json_schema::problems(const json::value& v, std::string_view def) const {
    std::vector<std::string> out;
    check(definition(def), v, "", out);
    return out;
}

void json_schema::check(const json::object& s, const json::value& v, const std::string& at,
                        std::vector<std::string>& out) const {
    auto fail = [&](const std::string& what) {
        out.push_back((at.empty() ? std::string("the frame") : at) + ": " + what);
    };
    for (const auto& [key, _] : s) {
        if (!keywords.contains(key) && !annotations.contains(key)) {
            fail("the schema uses '" + std::string(key) + "', which this validator does not know");
        }
    }
    if (s.contains("$ref")) {
        check(resolve(s), v, at, out);
    }
    if (auto* type = s.if_contains("type")) {
        bool ok = false;
        if (type->is_string()) {
            ok = has_type(v, type->as_string());
        } else {
            for (const auto& t : type->as_array()) ok = ok || has_type(v, t.as_string());
        }
        if (!ok)
            return fail("must be of type " + json::serialize(*type) + ", is " + json::serialize(v));
    }
    if (auto* c = s.if_contains("const"); c && *c != v) {
        fail("must be " + json::serialize(*c) + ", is " + json::serialize(v));
    }
    if (auto* e = s.if_contains("enum")) {
        const auto& options = e->as_array();
        if (std::find(options.begin(), options.end(), v) == options.end()) {
            fail("must be one of " + json::serialize(*e) + ", is " + json::serialize(v));
        }
    }
    if (v.is_number()) {
        if (auto* m = s.if_contains("minimum"); m && number(v) < number(*m)) {
            fail("must be at least " + json::serialize(*m));
        }
        if (auto* m = s.if_contains("maximum"); m && number(v) > number(*m)) {
            fail("must be at most " + json::serialize(*m));
        }
    }
    if (v.is_string()) {
        auto n = static_cast<std::int64_t>(chat::utf8_length(v.as_string()));
        if (auto* m = s.if_contains("minLength"); m && n < m->as_int64()) {
            fail("must be at least " + json::serialize(*m) + " characters");
        }
        if (auto* m = s.if_contains("maxLength"); m && n > m->as_int64()) {
            fail("must be at most " + json::serialize(*m) + " characters");
        }
        if (auto* p = s.if_contains("pattern")) {
            std::regex re(std::string(p->as_string()));
            if (!std::regex_search(std::string(v.as_string()), re)) {
                fail("must match " + json::serialize(*p) + ", is " + json::serialize(v));
            }
        }
    }
    if (v.is_array()) {
        const auto& a = v.as_array();
        if (auto* m = s.if_contains("maxItems");
            m && static_cast<std::int64_t>(a.size()) > m->as_int64()) {
            fail("must have at most " + json::serialize(*m) + " items");
        }
        if (auto* items = s.if_contains("items")) {
            for (std::size_t i = 0; i < a.size(); ++i) {
                check(items->as_object(), a[i], at + "[" + std::to_string(i) + "]", out);
            }
        }
    }
    if (v.is_object()) {
        const auto& o = v.as_object();
        const json::object* properties = nullptr;
        if (auto* p = s.if_contains("properties")) properties = &p->as_object();
        if (auto* r = s.if_contains("required")) {
            for (const auto& name : r->as_array()) {
                if (!o.contains(name.as_string())) {
                    fail("lacks the field '" + std::string(name.as_string()) + "'");
                }
            }
        }
        for (const auto& [name, field] : o) {
            std::string where = at.empty() ? std::string(name) : at + "." + std::string(name);
            if (properties && properties->contains(name)) {
                check(properties->at(name).as_object(), field, where, out);
            } else if (auto* extra = s.if_contains("additionalProperties");
                       extra && *extra == false) {
                fail("has the field '" + std::string(name) + "', which the schema does not list");
            }
        }
    }
    for (const char* combinator : {"oneOf", "anyOf"}) {
        auto* branches = s.if_contains(combinator);
        if (branches == nullptr) continue;
        std::size_t fits = 0;
        // A frame is judged by the branch of its own `type`: that branch's problems say why.
        std::vector<std::string> of_its_type;
        for (const auto& b : branches->as_array()) {
            std::vector<std::string> found;
            check(b.as_object(), v, at, found);
            if (found.empty()) ++fits;
            const auto& branch = resolve(b.as_object());
            auto* props = branch.if_contains("properties");
            if (v.is_object() && props && props->as_object().contains("type") &&
                v.as_object().contains("type") &&
                props->at("type").as_object().at("const") == v.as_object().at("type")) {
                of_its_type = found;
            }
        }
        bool ok = std::string_view(combinator) == "oneOf" ? fits == 1 : fits >= 1;
        if (ok) continue;
        if (!of_its_type.empty()) {
            out.insert(out.end(), of_its_type.begin(), of_its_type.end());
        } else {
            fail(std::string("fits ") + std::to_string(fits) + " of the " + combinator +
                 " branches, is " + json::serialize(v));
        }
    }
}

}  // namespace sc::test_support
