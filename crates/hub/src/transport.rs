//! Connection-level limits the HTTP layer cannot see: how many connections are open at once,
//! how long a new connection may stay silent, and how long a response may stay unread.
//!
//! - [`PerIpAcceptor`] counts the connections open from each client address: one past
//!   `max_connections_per_ip` is closed at once, before its TLS handshake (logged with the code
//!   `TOO_MANY_CONNECTIONS`), so one address cannot take the slots below from the others.
//! - [`ConnectionSlots`] wraps the router's make-service: the accept loop takes a slot before
//!   it accepts the next connection's service, and the slot is held as long as the connection
//!   lives. When every slot is taken the accept loop waits (new connections queue in the
//!   kernel's backlog) instead of opening more.
//! - [`GuardAcceptor`] wraps each connection (after TLS) in [`Guarded`]:
//!   * the first bytes of a request must arrive within a deadline. hyper's header-read timeout
//!     starts only once the connection is known to be HTTP/1 — and the connection builder
//!     axum-server uses first waits, without a timer, for enough bytes to tell HTTP/1 from the
//!     HTTP/2 preface, so a client that sends nothing after the handshake would be kept forever;
//!   * a connection that opens with the HTTP/2 preface (`PRI `) is closed: the hub speaks
//!     HTTP/1.1 only (its TLS offers only `http/1.1`; devices use HTTP/1.1), and HTTP/2 has no
//!     header-read timeout;
//!   * a write that makes no progress for the write timeout (a client that stopped reading a
//!     response: its TCP window stays shut) fails, which closes the connection.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tokio_util::sync::PollSemaphore;
use tower_service::Service;

/// The opening of the HTTP/2 connection preface (`PRI * HTTP/2.0`).
const H2_OPENING: &[u8; 4] = b"PRI ";

/// What each connection is allowed.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    /// From the end of the TLS handshake to the first bytes of a request.
    pub first_bytes: Duration,
    /// How long a write may make no progress.
    pub write_stall: Duration,
}

/// An accepted connection with its limits (see the module documentation).
pub struct Guarded<S> {
    inner: S,
    opening: Option<Opening>,
    write_stall: Duration,
    stall: Pin<Box<Sleep>>,
    stalled: bool,
}

/// The connection's first bytes, until they show it is not HTTP/2.
struct Opening {
    deadline: Pin<Box<Sleep>>,
    seen: Vec<u8>,
}

enum OpeningVerdict {
    Wait,
    Http1,
    Http2,
}

impl Opening {
    fn check(&mut self, new: &[u8]) -> OpeningVerdict {
        if new.is_empty() {
            return OpeningVerdict::Http1; // end of stream: nothing more to guard
        }
        let room = H2_OPENING.len().saturating_sub(self.seen.len());
        self.seen.extend_from_slice(&new[..new.len().min(room)]);
        if !H2_OPENING.starts_with(&self.seen) {
            OpeningVerdict::Http1
        } else if self.seen.len() == H2_OPENING.len() {
            OpeningVerdict::Http2
        } else {
            OpeningVerdict::Wait
        }
    }
}

impl<S> Guarded<S> {
    pub fn new(inner: S, limits: ConnLimits) -> Guarded<S> {
        Guarded {
            inner,
            opening: Some(Opening {
                deadline: Box::pin(tokio::time::sleep(limits.first_bytes)),
                seen: Vec::with_capacity(H2_OPENING.len()),
            }),
            write_stall: limits.write_stall,
            stall: Box::pin(tokio::time::sleep(limits.write_stall)),
            stalled: false,
        }
    }

    /// Fails a write that stayed pending for longer than the write timeout.
    fn watch_write<T>(
        &mut self,
        cx: &mut Context<'_>,
        r: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match r {
            Poll::Pending => {
                if !self.stalled {
                    self.stalled = true;
                    let deadline = Instant::now() + self.write_stall;
                    self.stall.as_mut().reset(deadline);
                }
                if self.stall.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the client stopped reading",
                    )));
                }
                Poll::Pending
            }
            ready => {
                self.stalled = false;
                ready
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if let Some(opening) = &mut this.opening {
                    match opening.check(&buf.filled()[before..]) {
                        OpeningVerdict::Wait => {}
                        OpeningVerdict::Http1 => this.opening = None,
                        OpeningVerdict::Http2 => {
                            return Poll::Ready(Err(io::Error::new(
                                io::ErrorKind::InvalidData,
                                "HTTP/2 is not served: use HTTP/1.1",
                            )))
                        }
                    }
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                if let Some(opening) = &mut this.opening {
                    if opening.deadline.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "no request in time",
                        )));
                    }
                }
                Poll::Pending
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch_write(cx, r)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch_write(cx, r)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch_write(cx, r)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.watch_write(cx, r)
    }
}

/// Wraps every connection an inner acceptor (TLS, or plain TCP) hands over in [`Guarded`].
#[derive(Debug, Clone)]
pub struct GuardAcceptor<A> {
    inner: A,
    limits: ConnLimits,
}

impl<A> GuardAcceptor<A> {
    pub fn new(inner: A, limits: ConnLimits) -> GuardAcceptor<A> {
        GuardAcceptor { inner, limits }
    }
}

impl<A, I, S> Accept<I, S> for GuardAcceptor<A>
where
    A: Accept<I, S>,
    A::Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A::Service: Send + 'static,
    A::Future: Send + 'static,
{
    type Stream = Guarded<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let accepting = self.inner.accept(stream, service);
        let limits = self.limits;
        Box::pin(async move {
            let (stream, service) = accepting.await?;
            Ok((Guarded::new(stream, limits), service))
        })
    }
}

/// Connections open per client address (IPv4-mapped IPv6 counted as IPv4).
#[derive(Default)]
struct PerIpCounts {
    open: HashMap<IpAddr, PerIp>,
}

#[derive(Default)]
struct PerIp {
    open: usize,
    /// A refusal was logged since the address was last under its cap.
    refusing: bool,
}

/// Closes a new connection at once when its address already has `max` open (see the module
/// documentation); the others pass to the inner acceptor with a ticket that gives their place
/// back when the connection is dropped.
#[derive(Clone)]
pub struct PerIpAcceptor<A> {
    inner: A,
    counts: Arc<Mutex<PerIpCounts>>,
    max: usize,
}

impl<A> PerIpAcceptor<A> {
    pub fn new(inner: A, max: usize) -> PerIpAcceptor<A> {
        PerIpAcceptor {
            inner,
            counts: Arc::new(Mutex::new(PerIpCounts::default())),
            max: max.max(1),
        }
    }

    /// A place for a connection from `ip`, or `None` when it has `max` open.
    fn enter(&self, ip: IpAddr) -> Option<IpTicket> {
        let ip = ip.to_canonical();
        let mut counts = lock(&self.counts);
        let entry = counts.open.entry(ip).or_default();
        if entry.open >= self.max {
            if !entry.refusing {
                entry.refusing = true;
                tracing::warn!(
                    peer = %ip,
                    code = rapportino_model::protocol::wire_code::TOO_MANY_CONNECTIONS,
                    max_connections_per_ip = self.max,
                    "connections refused: too many open from this address"
                );
            }
            return None;
        }
        entry.open += 1;
        Some(IpTicket {
            ip,
            counts: self.counts.clone(),
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One connection's place in its address's count.
struct IpTicket {
    ip: IpAddr,
    counts: Arc<Mutex<PerIpCounts>>,
}

impl Drop for IpTicket {
    fn drop(&mut self) {
        let mut counts = lock(&self.counts);
        if let Some(entry) = counts.open.get_mut(&self.ip) {
            entry.open = entry.open.saturating_sub(1);
            entry.refusing = false;
            if entry.open == 0 {
                counts.open.remove(&self.ip);
            }
        }
    }
}

impl<A, S> Accept<TcpStream, S> for PerIpAcceptor<A>
where
    A: Accept<TcpStream, S>,
    A::Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    A::Service: Send + 'static,
    A::Future: Send + 'static,
{
    type Stream = Counted<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let ticket = match stream.peer_addr() {
            Ok(peer) => match self.enter(peer.ip()) {
                Some(ticket) => Some(ticket),
                None => {
                    // Dropping the stream closes it; dropping the service frees its slot.
                    drop((stream, service));
                    return Box::pin(async {
                        Err(io::Error::new(
                            io::ErrorKind::ConnectionRefused,
                            "too many connections from this address",
                        ))
                    });
                }
            },
            Err(_) => None,
        };
        let accepting = self.inner.accept(stream, service);
        Box::pin(async move {
            let (stream, service) = accepting.await?;
            Ok((
                Counted {
                    inner: stream,
                    _ticket: ticket,
                },
                service,
            ))
        })
    }
}

/// A connection holding its place in its address's count.
pub struct Counted<S> {
    inner: S,
    _ticket: Option<IpTicket>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A make-service that hands out a connection's service only with a free slot (see the module
/// documentation); the slot is released when the connection's service is dropped.
pub struct ConnectionSlots<M> {
    inner: M,
    slots: PollSemaphore,
    held: Option<OwnedSemaphorePermit>,
    /// Whether "every slot taken" was logged since the last free slot.
    full_logged: Arc<AtomicBool>,
    max: usize,
}

impl<M> ConnectionSlots<M> {
    pub fn new(inner: M, max: usize) -> ConnectionSlots<M> {
        ConnectionSlots {
            inner,
            slots: PollSemaphore::new(Arc::new(Semaphore::new(max.max(1)))),
            held: None,
            full_logged: Arc::new(AtomicBool::new(false)),
            max: max.max(1),
        }
    }
}

impl<M, T> Service<T> for ConnectionSlots<M>
where
    M: Service<T>,
    M::Future: Send + 'static,
{
    type Response = Slotted<M::Response>;
    type Error = M::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, M::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), M::Error>> {
        if self.held.is_none() {
            if self.slots.available_permits() == 0
                && !self.full_logged.swap(true, Ordering::Relaxed)
            {
                tracing::warn!(
                    max_connections = self.max,
                    "every connection slot is taken: new connections wait"
                );
            }
            // `None` only if the semaphore were closed, which it never is.
            self.held = ready!(self.slots.poll_acquire(cx));
            if self.slots.available_permits() > 0 {
                self.full_logged.store(false, Ordering::Relaxed);
            }
        }
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, target: T) -> Self::Future {
        let slot = self.held.take().map(Arc::new);
        let making = self.inner.call(target);
        Box::pin(async move {
            let inner = making.await?;
            Ok(Slotted { inner, _slot: slot })
        })
    }
}

/// A connection's service holding its slot (hyper clones it per request; the slot goes back
/// when the last clone is dropped, with the connection).
#[derive(Clone)]
pub struct Slotted<S> {
    inner: S,
    _slot: Option<Arc<OwnedSemaphorePermit>>,
}

impl<S, R> Service<R> for Slotted<S>
where
    S: Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> S::Future {
        self.inner.call(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opening() -> Opening {
        Opening {
            deadline: Box::pin(tokio::time::sleep(Duration::from_secs(1))),
            seen: Vec::new(),
        }
    }

    #[tokio::test]
    async fn the_http2_preface_is_told_from_http1_byte_by_byte() {
        let mut o = opening();
        assert!(matches!(o.check(b"P"), OpeningVerdict::Wait));
        assert!(matches!(o.check(b"RI"), OpeningVerdict::Wait));
        assert!(matches!(o.check(b" * HTTP/2.0"), OpeningVerdict::Http2));
        let mut o = opening();
        assert!(matches!(o.check(b"POST /v1/push"), OpeningVerdict::Http1));
        let mut o = opening();
        assert!(matches!(o.check(b"PR"), OpeningVerdict::Wait));
        assert!(matches!(o.check(b"X"), OpeningVerdict::Http1));
        let mut o = opening();
        assert!(matches!(o.check(b"G"), OpeningVerdict::Http1));
        let mut o = opening();
        assert!(matches!(o.check(b""), OpeningVerdict::Http1));
    }
}
