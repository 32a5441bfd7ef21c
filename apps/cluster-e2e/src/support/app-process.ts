export { AppProcess, freePort } from '@projectionist/testing';
