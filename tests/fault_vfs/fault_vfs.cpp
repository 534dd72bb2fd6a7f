// A SQLite VFS for durability tests. Loaded into the real server with LD_PRELOAD and
// SAFECONNECT_FAULT_DIR set, it becomes the default VFS and wraps the platform's one:
//
//   power loss  Writes to database, WAL and journal files stay in this process's memory
//               until the file is synced. Killing the process then loses exactly what a
//               power cut loses from a disk's volatile cache: everything not yet synced.
//   hold-sync   While <dir>/hold-sync exists, every sync waits, and <dir>/sync-held exists
//               for as long as one is waiting: a commit is stopped at its durability point.
//   disk-full   While <dir>/disk-full exists, every write fails with SQLITE_FULL.
//
// Without SAFECONNECT_FAULT_DIR the library registers nothing. Temporary files go to the
// platform VFS untouched. Metadata (file creation, truncation) is not buffered: the model
// is a disk that loses data, not a file system that loses names.
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;

// A function-local static: install() runs before this file's dynamic initializers may have.
fs::path& fault_dir() {
    static fs::path dir;
    return dir;
}
sqlite3_vfs* platform = nullptr;

bool present(const char* name) {
    std::error_code ec;
    return fs::exists(fault_dir() / name, ec);
}

/// The writes to one file that no sync has made durable yet, as non-overlapping extents.
/// Shared by every handle on the same path, as the operating system's cache would be.
struct unsynced {
    std::mutex mutex;
    std::map<sqlite3_int64, std::string> extents;  // offset -> bytes
    int handles = 0;

    void forget_range(sqlite3_int64 from, sqlite3_int64 to) {
        auto it = extents.lower_bound(from);
        if (it != extents.begin()) --it;
        while (it != extents.end() && it->first < to) {
            sqlite3_int64 start = it->first;
            sqlite3_int64 end = start + static_cast<sqlite3_int64>(it->second.size());
            if (end <= from) {
                ++it;
                continue;
            }
            std::string bytes = std::move(it->second);
            it = extents.erase(it);
            if (start < from) extents.emplace(start, bytes.substr(0, from - start));
            if (end > to) extents.emplace(to, bytes.substr(to - start));
        }
    }

    void write(sqlite3_int64 offset, const void* data, int amount) {
        forget_range(offset, offset + amount);
        extents.emplace(offset, std::string(static_cast<const char*>(data), amount));
    }

    /// Copies the unsynced bytes that fall into [offset, offset + amount) over `buffer`.
    void read_over(sqlite3_int64 offset, char* buffer, int amount) const {
        sqlite3_int64 to = offset + amount;
        auto it = extents.lower_bound(offset);
        if (it != extents.begin()) --it;
        for (; it != extents.end() && it->first < to; ++it) {
            sqlite3_int64 start = std::max(offset, it->first);
            sqlite3_int64 end =
                std::min(to, it->first + static_cast<sqlite3_int64>(it->second.size()));
            if (start >= end) continue;
            std::memcpy(buffer + (start - offset), it->second.data() + (start - it->first),
                        static_cast<std::size_t>(end - start));
        }
    }

    sqlite3_int64 end() const {
        if (extents.empty()) return 0;
        auto last = std::prev(extents.end());
        return last->first + static_cast<sqlite3_int64>(last->second.size());
    }
};

std::mutex registry_mutex;
std::map<std::string, std::shared_ptr<unsynced>>& registry() {
    static std::map<std::string, std::shared_ptr<unsynced>> files;
    return files;
}

struct fault_file {
    sqlite3_file base;   // first, so SQLite's pointer is ours
    sqlite3_file* real;  // the platform VFS's file, allocated right after this struct
    unsynced* pending;   // null for files we pass through
    std::string path;
};

fault_file* self(sqlite3_file* f) { return reinterpret_cast<fault_file*>(f); }
sqlite3_file* real(sqlite3_file* f) { return self(f)->real; }

int x_close(sqlite3_file* f) {
    auto* file = self(f);
    int rc = file->real->pMethods ? file->real->pMethods->xClose(file->real) : SQLITE_OK;
    if (file->pending != nullptr) {
        std::lock_guard lock(registry_mutex);
        // The last handle going away keeps nothing unsynced: a close without a sync loses
        // it too, as on a real disk until the cache is flushed, which no one waits for.
        if (--file->pending->handles == 0) registry().erase(file->path);
    }
    std::destroy_at(&file->path);
    return rc;
}

int x_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
    auto* file = self(f);
    if (file->pending == nullptr)
        return file->real->pMethods->xRead(file->real, buffer, amount, offset);
    std::lock_guard lock(file->pending->mutex);
    int rc = file->real->pMethods->xRead(file->real, buffer, amount, offset);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
    file->pending->read_over(offset, static_cast<char*>(buffer), amount);
    // Short on disk (the rest was zero-filled) may still be whole once unsynced writes count.
    if (rc == SQLITE_IOERR_SHORT_READ && offset + amount <= file->pending->end()) rc = SQLITE_OK;
    return rc;
}

int x_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    auto* file = self(f);
    if (present("disk-full")) return SQLITE_FULL;
    if (file->pending == nullptr)
        return file->real->pMethods->xWrite(file->real, data, amount, offset);
    std::lock_guard lock(file->pending->mutex);
    file->pending->write(offset, data, amount);
    return SQLITE_OK;
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
    auto* file = self(f);
    if (file->pending != nullptr) {
        std::lock_guard lock(file->pending->mutex);
        file->pending->forget_range(size, INT64_MAX);
    }
    return file->real->pMethods->xTruncate(file->real, size);
}

void wait_while_held() {
    if (!present("hold-sync")) return;
    { std::ofstream(fault_dir() / "sync-held").put('1'); }
    while (present("hold-sync")) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::error_code ec;
    fs::remove(fault_dir() / "sync-held", ec);
}

int x_sync(sqlite3_file* f, int flags) {
    auto* file = self(f);
    wait_while_held();
    if (file->pending != nullptr) {
        std::lock_guard lock(file->pending->mutex);
        for (const auto& [offset, bytes] : file->pending->extents) {
            int rc = file->real->pMethods->xWrite(file->real, bytes.data(),
                                                  static_cast<int>(bytes.size()), offset);
            if (rc != SQLITE_OK) return rc;
        }
        file->pending->extents.clear();
    }
    return file->real->pMethods->xSync(file->real, flags);
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
    auto* file = self(f);
    int rc = file->real->pMethods->xFileSize(file->real, size);
    if (rc != SQLITE_OK || file->pending == nullptr) return rc;
    std::lock_guard lock(file->pending->mutex);
    *size = std::max(*size, file->pending->end());
    return SQLITE_OK;
}

int x_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int x_check_reserved(sqlite3_file* f, int* out) {
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
    return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
    return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}

// Version 2: shared memory for WAL, but no xFetch, so SQLite never reads around us via mmap.
const sqlite3_io_methods methods = {
    2,           x_close,   x_read,     x_write,          x_truncate,     x_sync,
    x_file_size, x_lock,    x_unlock,   x_check_reserved, x_file_control, x_sector_size,
    x_device,    x_shm_map, x_shm_lock, x_shm_barrier,    x_shm_unmap,    nullptr,
    nullptr,
};

constexpr int buffered_kinds =
    SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL;

int x_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    auto* file = self(f);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    file->pending = nullptr;
    new (&file->path) std::string(name ? name : "");
    file->base.pMethods = nullptr;
    int rc = platform->xOpen(platform, name, file->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        std::destroy_at(&file->path);
        return rc;
    }
    if (name != nullptr && (flags & buffered_kinds) != 0) {
        std::lock_guard lock(registry_mutex);
        auto& slot = registry()[file->path];
        if (!slot) slot = std::make_shared<unsynced>();
        ++slot->handles;
        file->pending = slot.get();
    }
    file->base.pMethods = &methods;
    (void)vfs;
    return SQLITE_OK;
}

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    {
        std::lock_guard lock(registry_mutex);
        if (auto it = registry().find(name); it != registry().end()) {
            std::lock_guard file_lock(it->second->mutex);
            it->second->extents.clear();
        }
    }
    return platform->xDelete(platform, name, sync_dir);
}

int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return platform->xAccess(platform, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return platform->xFullPathname(platform, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return platform->xDlOpen(platform, name); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { platform->xDlError(platform, n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
    return platform->xDlSym(platform, h, sym);
}
void x_dl_close(sqlite3_vfs*, void* h) { platform->xDlClose(platform, h); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return platform->xRandomness(platform, n, out); }
int x_sleep(sqlite3_vfs*, int us) { return platform->xSleep(platform, us); }
int x_current_time(sqlite3_vfs*, double* out) { return platform->xCurrentTime(platform, out); }
int x_last_error(sqlite3_vfs*, int n, char* out) {
    return platform->xGetLastError(platform, n, out);
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    return platform->xCurrentTimeInt64(platform, out);
}

sqlite3_vfs vfs = {};

__attribute__((constructor)) void install() {
    const char* dir = std::getenv("SAFECONNECT_FAULT_DIR");
    if (dir == nullptr || *dir == '\0') return;
    fault_dir() = dir;
    platform = sqlite3_vfs_find(nullptr);
    if (platform == nullptr) std::abort();
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(fault_file)) + platform->szOsFile;
    vfs.mxPathname = platform->mxPathname;
    vfs.zName = "safeconnect-fault";
    vfs.xOpen = x_open;
    vfs.xDelete = x_delete;
    vfs.xAccess = x_access;
    vfs.xFullPathname = x_full_pathname;
    vfs.xDlOpen = x_dl_open;
    vfs.xDlError = x_dl_error;
    vfs.xDlSym = x_dl_sym;
    vfs.xDlClose = x_dl_close;
    vfs.xRandomness = x_randomness;
    vfs.xSleep = x_sleep;
    vfs.xCurrentTime = x_current_time;
    vfs.xGetLastError = x_last_error;
    vfs.xCurrentTimeInt64 = x_current_time_int64;
    if (sqlite3_vfs_register(&vfs, 1) != SQLITE_OK) std::abort();
}

}  // namespace
