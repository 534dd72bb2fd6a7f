// Fuzz target: Mustache templates with Markdown inside, as operators and administrators supply
// them (http/pages, privacy/policy). The input is used twice: as an operator's page
// (content_dir/home.md, read when the pages are built at start) and as the text of a new
// policy version an administrator publishes, then shown at /privacy, in the archive and at
// /privacy/versions/<n>.
// Must hold: no crash and no sanitizer report; building the pages either works or throws
// std::runtime_error (start-up stops with its message); a policy version that publishing
// accepts renders without an exception (which would be a 500 for every visitor), as valid
// UTF-8.
#include "fuzz_support.hpp"
#include "http/assets.hpp"
#include "http/pages.hpp"
#include "store/sqlite/sql_job.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <stdexcept>

namespace {

using namespace sc;

struct world {
    world() {
        fuzz::init_process();
        std::filesystem::create_directory(dir / "content");
        config.content_dir = dir / "content";
        store = std::make_unique<store::sqlite_worker>(dir / "pages.db", dir / "keys.db");
        admin = store->call([&](store::unit_of_work& work) {
            return staff::add_member(work, "admin@example.org", "Admin", staff::role::admin,
                                     "not used", clock.now())
                ->id;
        });
        policy.load(*store, "# Policy\n", 72, clock.now());
        site = std::make_unique<http::pages>(assets, core::config{}, policy);
    }

    test_support::temp_dir dir;
    core::manual_clock clock;
    core::config config;
    http::asset_catalog assets;
    std::unique_ptr<store::worker> store;
    std::int64_t admin = 0;
    privacy::policy_registry policy;
    std::unique_ptr<http::pages> site;
};

world& the_world() {
    // Never destroyed: the store thread must not be stopped by exit-time destructors.
    static auto* w = new world;
    return *w;
}

void operator_page(world& w, const std::string& input, bool utf8) {
    test_support::write_text(w.config.content_dir / "home.md", input);
    try {
        http::pages site(w.assets, w.config, w.policy);
        const auto* home = site.find("/");
        fuzz::check(home != nullptr, "no home page");
        fuzz::check(!utf8 || fuzz::valid_utf8(*home), "the home page is not valid UTF-8", input);
    } catch (const std::runtime_error&) {
        // Start-up stops with the message: the documented outcome for a page it cannot use.
    } catch (const std::exception& e) {
        fuzz::broken(std::string("building the pages threw ") + e.what(), input);
    }
}

void published_policy(world& w, const std::string& input) {
    w.clock.advance(std::chrono::minutes(1));
    auto now = w.clock.now();
    w.policy.load(*w.store, "", 72, now);  // version 1 only: the last input's is gone
    auto published = w.policy.publish(*w.store, input, 72, now, w.admin, now);
    if (published) {
        try {
            for (const auto& html : {w.site->privacy(now), w.site->privacy_archive(now),
                                     w.site->privacy_version(published->version, now).value()}) {
                fuzz::check(fuzz::valid_utf8(html), "a policy page is not valid UTF-8", input);
            }
        } catch (const std::exception& e) {
            fuzz::broken(std::string("a published policy cannot be shown: ") + e.what(), input);
        }
    } else {
        fuzz::check(published.error().code == core::errc::bad_request,
                    "publishing refused with a code other than bad_request", input);
    }
    w.store->call(test_support::sql_job(
        [](store::database& db) { db.exec("DELETE FROM policy_versions WHERE version > 1"); }));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    the_world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& w = the_world();
    std::string input(reinterpret_cast<const char*>(data), size);
    // Policy text arrives in a JSON string, which is always valid UTF-8.
    bool utf8 = fuzz::valid_utf8(input);
    operator_page(w, input, utf8);
    if (utf8) published_policy(w, input);
    return 0;
}
