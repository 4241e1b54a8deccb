import CorridorModel
import Foundation

/// A file a command writes: `--out`, `--rejects`, an audit export and its manifest, standard
/// output.
///
/// Why not `FileManager.createFile` and `FileHandle`: they replace whatever is at the path (a
/// FIFO, a device, the target of a symlink became a regular file; `--out /dev/null` as root
/// replaced the system's `/dev/null`), they trap on a failed write (`/dev/full`), and they happily
/// truncate the database itself when it is named as the output. Here:
/// - an output that is the database, its `-wal`/`-shm`, or an input of the same command (compared
///   by file identity, so another name or a hard link does not slip through) is refused (exit 73);
/// - a regular file (new, or existing, through symlinks as the shell follows them) is written
///   into a temporary file beside it and renamed over it only when everything was written and
///   synced, so a failed export leaves the old file (or nothing) behind, never half a file;
/// - an existing FIFO, character device or socket is written in place, as the shell would;
/// - every failed write, sync or close is an I/O error (exit 74) naming the path.
public final class OutputFile {
  /// A file an output must not be: what it is, for the message.
  public struct Protected: Sendable {
    public let path: String
    public let role: String

    public init(path: String, role: String) {
      self.path = path
      self.role = role
    }
  }

  /// The path as the user gave it, for messages.
  public let path: String
  /// True when an existing regular file will be replaced (the CLI says so).
  public let replacesExisting: Bool
  private var descriptor: Int32
  /// The temporary file renamed over `target` on `commit()`; nil when writing in place.
  public private(set) var temporary: String?
  private let target: String
  private var buffer: [UInt8] = []
  private var finished = false

  /// Standard output: written in place, errors name it as such.
  public static func standardOutput() -> OutputFile { OutputFile(descriptor: 1, name: "standard output") }

  private init(descriptor: Int32, name: String) {
    self.descriptor = descriptor
    path = name
    target = name
    temporary = nil
    replacesExisting = false
  }

  public init(path: String, protecting protected: [Protected]) throws {
    self.path = path
    guard !path.isEmpty else { throw CorridorError(.usage, "an output path is empty") }
    var status = stat()
    var resolved = path
    let exists = stat(path, &status) == 0
    if !exists {
      var link = stat()
      if lstat(path, &link) == 0 {
        // A symlink to nothing: the shell would create its target; so do we, at the target.
        guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
          throw CorridorError(.cannotCreate, "cannot resolve the symbolic link \(path)")
        }
        resolved = destination.hasPrefix("/") ? destination : (path as NSString).deletingLastPathComponent + "/" + destination
      }
    } else if let real = realpath(path, nil) {
      resolved = String(cString: real)
      free(real)
    }
    if exists {
      for item in protected {
        var other = stat()
        if stat(item.path, &other) == 0, other.st_dev == status.st_dev, other.st_ino == status.st_ino {
          throw CorridorError(
            .cannotCreate, "refusing to write \(path): it is \(item.role) (\(item.path))",
            hint: "choose another output file")
        }
      }
    } else {
      // A new file cannot be an existing one; but `o.db-wal` may be about to exist.
      for item in protected where (item.path as NSString).standardizingPath == (resolved as NSString).standardizingPath {
        throw CorridorError(.cannotCreate, "refusing to write \(path): it is \(item.role)", hint: "choose another output file")
      }
    }
    target = resolved
    let kind = status.st_mode & S_IFMT
    if exists, kind == S_IFDIR {
      throw CorridorError(.cannotCreate, "cannot write \(path): it is a directory", hint: "give a file name")
    }
    if exists, kind != S_IFREG {
      // A FIFO, a device, a socket: written in place, as `> FILE` in a shell does.
      let fd = open(resolved, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { throw CorridorError(.cannotCreate, "cannot open \(path) for writing: \(Self.errnoText())") }
      descriptor = fd
      temporary = nil
      replacesExisting = false
      return
    }
    let folder = (resolved as NSString).deletingLastPathComponent
    guard let (fd, temporaryPath) = Self.temporaryFile(in: folder.isEmpty ? "." : folder, prefix: ".corridor-out-") else {
      throw CorridorError(.cannotCreate, "cannot create \(path): \(Self.errnoText())", hint: "check that the folder exists and is writable")
    }
    // The file gets the mode the shell would give it: the old file's, else 0666 less the umask.
    let mask = umask(0)
    umask(mask)
    fchmod(fd, exists ? status.st_mode & 0o7777 : 0o666 & ~mask)
    descriptor = fd
    temporary = temporaryPath
    replacesExisting = exists
    buffer.reserveCapacity(1 << 16)
  }

  deinit {
    discard()
  }

  public func write(_ text: String) throws {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { try flush() }
  }

  public func write(bytes: some Sequence<UInt8>) throws {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { try flush() }
  }

  public func flush() throws {
    guard !buffer.isEmpty else { return }
    defer { buffer.removeAll(keepingCapacity: true) }
    if let error = buffer.withUnsafeBytes({ Self.writeAll(descriptor, $0) }) { throw failure(error) }
  }

  /// Writes what is buffered and puts the file in place. Until this returns, a regular file
  /// named by `path` is untouched.
  public func commit() throws {
    guard !finished else { return }
    try flush()
    if let temporary {
      if fsync(descriptor) != 0 { throw failure(errno) }
      let fd = descriptor
      descriptor = -1
      if close(fd) != 0 { throw failure(errno) }
      if rename(temporary, target) != 0 { throw failure(errno) }
      self.temporary = nil
    } else if descriptor > 2 {
      let fd = descriptor
      descriptor = -1
      if close(fd) != 0 { throw failure(errno) }
    }
    finished = true
  }

  /// Drops a regular file's temporary copy: the path keeps what it had.
  public func discard() {
    guard !finished else { return }
    finished = true
    if descriptor > 2 { close(descriptor) }
    descriptor = -1
    if let temporary { unlink(temporary) }
  }

  private func failure(_ code: Int32) -> CorridorError {
    let outcome =
      temporary == nil ? "" : replacesExisting ? "; \(path) keeps its old content" : "; \(path) was not created"
    discard()
    return CorridorError(
      .io, "cannot write \(path): \(String(cString: strerror(code)))\(outcome)", hint: "free space or choose another output")
  }

  /// Writes every byte to `fd`, retrying short writes and interruptions; the errno on failure.
  public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    guard let base = bytes.baseAddress else { return nil }
    var offset = 0
    while offset < bytes.count {
      let written = Foundation.write(fd, base + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return nil
  }

  /// A new file `FOLDER/PREFIXxxxxxx` open for writing (mode 0600, closed on exec).
  public static func temporaryFile(in folder: String, prefix: String) -> (descriptor: Int32, path: String)? {
    var template = Array((folder + "/" + prefix + "XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
    guard fd >= 0 else { return nil }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    return (fd, String(cString: template))
  }

  public static func errnoText() -> String { String(cString: strerror(errno)) }
}
