// The one door to the Rust side: every command, typed with the bindings generated from core.
// A failed call rejects with an AppError ({code, message, field}); nothing else is ever thrown.

import { invoke } from '@tauri-apps/api/core';

import type { Client } from '../bindings/Client';
import type { ClientFilter } from '../bindings/ClientFilter';
import type { ClientInput } from '../bindings/ClientInput';
import type { ClientOverview } from '../bindings/ClientOverview';
import type { DemoReport } from '../bindings/DemoReport';
import type { Intervention } from '../bindings/Intervention';
import type { InterventionDetail } from '../bindings/InterventionDetail';
import type { InterventionPatch } from '../bindings/InterventionPatch';
import type { NewIntervention } from '../bindings/NewIntervention';
import type { NewTicket } from '../bindings/NewTicket';
import type { OnboardingInput } from '../bindings/OnboardingInput';
import type { Page } from '../bindings/Page';
import type { PageRequest } from '../bindings/PageRequest';
import type { RunningTimer } from '../bindings/RunningTimer';
import type { SearchHit } from '../bindings/SearchHit';
import type { SearchRequest } from '../bindings/SearchRequest';
import type { SetupStatus } from '../bindings/SetupStatus';
import type { Technician } from '../bindings/Technician';
import type { Ticket } from '../bindings/Ticket';
import type { TicketDetail } from '../bindings/TicketDetail';
import type { TicketFilter } from '../bindings/TicketFilter';
import type { TicketSummary } from '../bindings/TicketSummary';
import type { TransitionInput } from '../bindings/TransitionInput';
import { toAppError } from './errors';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toAppError(e);
  }
}

// Setup
export const setupStatus = () => call<SetupStatus>('setup_status');
export const onboard = (input: OnboardingInput) => call<SetupStatus>('onboard', { input });
export const loadDemoData = () => call<DemoReport>('load_demo_data');
export const listTechnicians = () => call<Technician[]>('list_technicians');

// Clients
export const listClients = (filter: ClientFilter, page: PageRequest) =>
  call<Page<Client>>('list_clients', { filter, page });
export const createClient = (input: ClientInput) => call<Client>('create_client', { input });
export const updateClient = (id: string, input: ClientInput) => call<Client>('update_client', { id, input });
export const clientOverview = (id: string) => call<ClientOverview>('client_overview', { id });

// Search
export const search = (request: SearchRequest, page: PageRequest) =>
  call<Page<SearchHit>>('search', { request, page });

// Tickets
export const listTickets = (filter: TicketFilter, page: PageRequest) =>
  call<Page<TicketSummary>>('list_tickets', { filter, page });
export const ticketDetail = (id: string) => call<TicketDetail>('ticket_detail', { id });
export const openTicket = (input: NewTicket) => call<Ticket>('open_ticket', { input });
export const transitionTicket = (id: string, input: TransitionInput) =>
  call<Ticket>('transition_ticket', { id, input });

// Interventions and the timer
export const createIntervention = (input: NewIntervention) =>
  call<Intervention>('create_intervention', { input });
export const interventionDetail = (id: string) => call<InterventionDetail>('intervention_detail', { id });
export const updateIntervention = (id: string, patch: InterventionPatch) =>
  call<Intervention>('update_intervention', { id, patch });
export const timerStart = (id: string) => call<null>('timer_start', { id });
export const timerPause = (id: string) => call<null>('timer_pause', { id });
export const timerResume = (id: string) => call<null>('timer_resume', { id });
export const timerStop = (id: string) => call<null>('timer_stop', { id });
export const runningTimer = () => call<RunningTimer | null>('running_timer');
