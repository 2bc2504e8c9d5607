//! Starts an upload that never finishes, for crash tests: streams 3 MiB into
//! `envelopes/interrupted` under the directory given as argument, prints `uploading` once the
//! data is on disk, then waits for more body forever, until the process is killed.

use bytes::Bytes;
use futures_util::StreamExt;
use pli_blob::{BlobStore, LocalBlobStore};
use std::io::Write;
use std::path::PathBuf;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: interrupted_upload DIR")?,
    );
    let blobs = LocalBlobStore::open(&dir).await?;
    let chunk = Bytes::from(vec![0x42u8; 64 * 1024]);
    let (written, mut announced) = tokio::sync::mpsc::channel::<()>(1);
    let body = futures_util::stream::iter((0..48).map(move |_| Ok(chunk.clone())))
        .chain(futures_util::stream::once(async move {
            // Everything before this point has been handed to the store.
            let _ = written.send(()).await;
            std::future::pending::<()>().await;
            Ok(Bytes::new())
        }))
        .boxed();
    let upload = tokio::spawn(async move { blobs.put("envelopes/interrupted", body).await });
    announced.recv().await.ok_or("the upload ended early")?;
    println!("uploading");
    std::io::stdout().flush()?;
    let result = upload.await?;
    Err(format!("the upload ended: {result:?}").into())
}
