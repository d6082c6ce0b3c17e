//! Hooks over the browser's timers and events, each in its own file, each undone
//! when the component that called it goes away: a repeating interval, a debounced
//! effect and a window event listener.

pub mod debounce;
pub mod interval;
pub mod window_event;
