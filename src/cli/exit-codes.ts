export const EXIT_OK = 0;
/** Invalid input, failed sync, or (diff) changes pending. */
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
/** `rower status`: no daemon has written state. */
export const EXIT_NO_STATE = 3;
