import CorridorModel
import Foundation

/// Opening a file a command reads, with the same answer everywhere: a missing file, a folder
/// or an unreadable file is exit 66 naming it (a folder used to read as an empty file, and a
/// file that vanished between two passes as a missing one with no reason given).
public enum InputFile {
  public static func open(_ path: String, name: String? = nil) throws -> FileHandle {
    let shown = name ?? path
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw CorridorError(
        .missingInput, "cannot read \(shown): \(String(cString: strerror(errno)))", hint: "check the path")
    }
    if status.st_mode & S_IFMT == S_IFDIR {
      throw CorridorError(.missingInput, "cannot read \(shown): it is a directory", hint: "give a file, not a folder")
    }
    let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw CorridorError(.missingInput, "cannot read \(shown): \(String(cString: strerror(errno)))", hint: "check the file's permissions")
    }
    return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
  }

  /// The whole file, for small inputs (reference files, manifests).
  public static func contents(_ path: String, name: String? = nil) throws -> [UInt8] {
    let handle = try open(path, name: name)
    defer { try? handle.close() }
    do {
      return [UInt8](try handle.readToEnd() ?? Data())
    } catch {
      throw CorridorError(.io, "cannot read \(name ?? path): \(error.localizedDescription)")
    }
  }
}
