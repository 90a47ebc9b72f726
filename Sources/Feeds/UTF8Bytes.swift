/// Runs `body` on the UTF-8 bytes of `text` with a typed throw: the parsers read raw
/// bytes, and `String.withUTF8` rethrows untyped, so its closure carries the result.
func withUTF8Bytes<Value>(of text: String, _ body: (UnsafeRawBufferPointer) throws(FeedError) -> Value) throws(FeedError) -> Value {
    var copy = text
    let result: Result<Value, FeedError> = copy.withUTF8 { bytes in
        do throws(FeedError) {
            return .success(try body(UnsafeRawBufferPointer(bytes)))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}
