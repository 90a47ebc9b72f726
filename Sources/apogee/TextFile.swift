import Foundation

/// A text file a user names on the command line (`--config`), read with a reason a
/// user can act on when it cannot be: Foundation's own error for a folder is
/// "NSCocoaErrorDomain error 256".
enum TextFile {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String, what: String) throws(Unreadable) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw Unreadable(description: "cannot read \(what) \(path): no such file")
        }
        if isFolder.boolValue {
            throw Unreadable(description: "cannot read \(what) \(path): it is a folder; give the file inside it")
        }
        guard FileManager.default.isReadableFile(atPath: path), let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(description: "cannot read \(what) \(path): permission denied")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Unreadable(description: "cannot read \(what) \(path): it is not UTF-8 text")
        }
        return text
    }
}
