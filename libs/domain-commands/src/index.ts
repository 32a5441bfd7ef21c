export type { Decider } from './deciders/decider';
export { DomainRejection } from './deciders/domain-rejection';
export { projectDecider } from './deciders/project.decider';
export type { ProjectCommand, ProjectState } from './deciders/project.decider';
export { carDecider, customerDecider } from './deciders/dealership.deciders';
export type { CarCommand, CustomerCommand } from './deciders/dealership.deciders';
export { handleCommand } from './command-handler';
export type { CommandResult, HandleOptions } from './command-handler';
